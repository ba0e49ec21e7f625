/**
 * The harness that the crash test SIGKILLs: writes through the LedgerWriter at a steady pace
 * until killed. Run with `npx tsx`; configuration in CUTOVER_CRASH_CHILD (JSON).
 */
import { TestLedgeredWriter, type TestWriterOptions } from '../support/ledgered-writer.js';

const options = JSON.parse(process.env.CUTOVER_CRASH_CHILD ?? '{}') as TestWriterOptions;
const writer = await TestLedgeredWriter.start(options);
process.stdout.write(`writer ${writer.writer.writerKey}\n`);
// Never stops on its own: only the SIGKILL ends it.
setInterval(() => {}, 1 << 30);
