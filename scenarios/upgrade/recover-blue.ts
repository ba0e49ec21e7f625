import { rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalServer } from '../providers/local-server.js';

/** How blue came back after a failed upgrade, for the step's record. */
export type BlueRecovery = 'restarted' | 'restarted-after-unlink' | 'not-startable';

/**
 * Starts blue again after pg_upgrade failed, so the run can drain its soak and post-check it.
 * Before the link point blue's data directory is untouched. In link mode pg_upgrade renames
 * `global/pg_control` to `pg_control.old` before it links files; as long as the new cluster never
 * started, the files are unchanged and renaming it back restores blue (as pg_upgrade's own
 * documentation says).
 */
export async function recoverBlue(blue: LocalServer, o: { greenStarted: boolean; log: (line: string) => void }): Promise<BlueRecovery> {
  const control = join(blue.dataDir, 'global', 'pg_control');
  let how: BlueRecovery = 'restarted';
  if (!existsSync(control)) {
    if (o.greenStarted || !existsSync(`${control}.old`)) return 'not-startable';
    await rename(`${control}.old`, control);
    how = 'restarted-after-unlink';
    o.log(`${blue.name}: pg_upgrade failed after the link point; global/pg_control.old renamed back (the new cluster never started)`);
  }
  await blue.start();
  return how;
}
