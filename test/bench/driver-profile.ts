/**
 * One driver run as a soak makes it (file ledger, timeline written each second), for a CPU
 * profile of the hot path and a look at event-loop stalls:
 *   node --cpu-prof --cpu-prof-dir=DIR --import tsx test/bench/driver-profile.ts [rate] [seconds] [connections]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openSession } from '../../core/session.js';
import { runDriver } from '../../load/driver/index.js';
import { prepareWorkload, workloadByName } from '../../load/workloads/index.js';
import { TimelineWriter } from '../../load/timeline-writer.js';
import { mergeHistograms, summariseHistogram } from '../../load/latency-histogram.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { fileLedger } from '../support/driver-harness.js';
import { labBindir } from '../support/lab.js';

const [rate = 1000, seconds = 10, connections = 4] = process.argv.slice(2).map(Number);
await using server = await LocalServer.start({ bindir: labBindir(17), name: 'bench-profile', settings: { max_connections: 100, shared_buffers: '256MB' } });
const endpoint = server.endpoint();
{
  await using db = await openSession(endpoint, { readOnly: false });
  await prepareWorkload(db, workloadByName('writes-only'), 'cutover');
}
const runDir = await mkdtemp(join(tmpdir(), 'cutover-bench-profile-'));
const buckets: TimelineBucket[] = [];
const loop = monitorEventLoopDelay({ resolution: 1 });
{
  await using timeline = await TimelineWriter.open(runDir);
  loop.enable();
  // DRIVER_HEAP_PROFILE=FILE: a sampling profile of every allocation, collected ones included.
  const heapFile = process.env.DRIVER_HEAP_PROFILE;
  const inspector = heapFile ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runDriver({
    workload: workloadByName('writes-only'),
    endpoint,
    rate,
    durationMs: seconds * 1000,
    connections,
    prepare: false,
    ledger: fileLedger(runDir, rate),
    onSecond: (b) => {
      buckets.push(b);
      timeline.append(b);
    },
  });
  const cpu = process.cpuUsage(cpu0);
  if (inspector && heapFile) {
    const { profile } = await inspector.post('HeapProfiler.stopSampling');
    await writeFile(heapFile, JSON.stringify(profile));
    inspector.disconnect();
  }
  loop.disable();
  console.log(`cpu: ${(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100).toFixed(0)}% of a core (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms)`);
}
await rm(runDir, { recursive: true, force: true });
const steady = buckets.filter((b) => b.second >= 1);
const lat = summariseHistogram(mergeHistograms(steady.map((b) => b.latencyHistUs)));
const lag = summariseHistogram(mergeHistograms(steady.map((b) => b.lagHistUs)));
console.log(`driver ${rate}/s ${connections} connections: latency p50 ${lat.p50} p99 ${lat.p99} max ${lat.max}; lag p50 ${lag.p50} p99 ${lag.p99} max ${lag.max}`);
console.log(`event loop delay (ms): p50 ${(loop.percentile(50) / 1e6).toFixed(2)} p99 ${(loop.percentile(99) / 1e6).toFixed(2)} max ${(loop.max / 1e6).toFixed(2)}`);
