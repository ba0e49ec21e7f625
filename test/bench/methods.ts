/**
 * Downtime of each upgrade method, for the default dataset at two scales, in one run: the same
 * rehearsals `cutover rehearse --method …` runs (soak on, checks on), one after another on this
 * machine, so the methods are compared with each other and each with itself at ten times the data.
 *
 *   BENCH=methods npm run bench                 # scales 1 and 10
 *   BENCH=methods BENCH_SCALES=0.5,5 npm run bench
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../core/config.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { rehearsalScenario, type RehearsalFlags } from '../../scenarios/runner/rehearsal-scenario.js';
import { runScenario } from '../support/run-scenario.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';

interface MethodCase {
  label: string;
  flags: Pick<RehearsalFlags, 'method' | 'from' | 'to' | 'switchover' | 'mode'>;
}

const CASES: MethodCase[] = [
  { label: 'minor 16.4 -> 16.14', flags: { method: 'minor', from: '16.4', to: '16', switchover: 'hard', mode: 'link' } },
  { label: 'pg-upgrade --link 15 -> 17', flags: { method: 'pg-upgrade', from: '15', to: '17', switchover: 'hard', mode: 'link' } },
  { label: 'pg-upgrade --copy 15 -> 17', flags: { method: 'pg-upgrade', from: '15', to: '17', switchover: 'hard', mode: 'copy' } },
  { label: 'dump-restore 15 -> 18', flags: { method: 'dump-restore', from: '15', to: '18', switchover: 'hard', mode: 'link' } },
  { label: 'logical blue/green 15 -> 17, hard cut', flags: { method: 'logical', from: '15', to: '17', switchover: 'hard', mode: 'link' } },
  { label: 'logical blue/green 15 -> 17, pause', flags: { method: 'logical', from: '15', to: '17', switchover: 'pause', mode: 'link' } },
];

export interface MethodFigure {
  label: string;
  scale: number;
  status: string;
  stepMs: number | null;
  downtimeMs: number | null;
  failedAttempts: number | null;
  lost: number | null;
  error?: string;
}

/** Runs every method at each scale and prints a table of step duration and downtime, with the growth between scales. */
export async function benchMethods(options: { scales?: number[]; rate?: number; log?: (line: string) => void } = {}): Promise<MethodFigure[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const scales = options.scales ?? [1, 10];
  const rate = options.rate ?? 200;
  const lab = findLab();
  const runsDir = await mkdtemp(join(tmpdir(), 'cutover-bench-methods-'));
  const figures: MethodFigure[] = [];
  try {
    for (const c of CASES) {
      for (const scale of scales) {
        const { scenario: input, targetMajor } = rehearsalScenario({ ...c.flags, scale, rate, durationMs: 4_000 }, lab);
        const scenario = scenarioSchema.parse(input);
        log(`bench methods: ${c.label}, scale ${scale}`);
        try {
          const { manifest } = await runScenario(scenario, {
            runsDir,
            log: () => {},
            method: c.flags.method,
            config: resolveConfig({ upgrade: { targetMajor } }),
          });
          const step = manifest.steps.find((s) => s.action !== 'wait');
          figures.push({
            label: c.label,
            scale,
            status: step?.status ?? manifest.verdict,
            stepMs: step?.durationMs ?? null,
            downtimeMs: step?.downtimeMs ?? null,
            failedAttempts: step?.failedAttempts ?? null,
            lost: step?.lost ?? null,
            ...(manifest.error || step?.error ? { error: (manifest.error ?? step?.error)?.message } : {}),
          });
        } catch (error) {
          figures.push({ label: c.label, scale, status: 'error', stepMs: null, downtimeMs: null, failedAttempts: null, lost: null, error: (error as Error).message.split('\n')[0] });
        }
      }
    }
  } finally {
    await rm(runsDir, { recursive: true, force: true });
  }
  printMethods(figures, scales, rate, log);
  return figures;
}

function printMethods(figures: MethodFigure[], scales: number[], rate: number, log: (line: string) => void): void {
  const [small, large] = scales;
  log(`\n| method (soak ${rate}/s) | scale | step | downtime | failed attempts | lost | downtime ratio (scale ${large} / ${small}) |\n|---|---:|---:|---:|---:|---:|---:|`);
  const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
  for (const f of figures) {
    const base = figures.find((g) => g.label === f.label && g.scale === small);
    const ratio = f.scale === large && base?.downtimeMs && f.downtimeMs !== null ? (f.downtimeMs / base.downtimeMs).toFixed(2) : '';
    log(`| ${f.label}${f.status === 'ok' ? '' : ` (${f.status}${f.error ? `: ${f.error}` : ''})`} | ${f.scale} | ${s(f.stepMs)} | ${s(f.downtimeMs)} | ${f.failedAttempts ?? '—'} | ${f.lost ?? '—'} | ${ratio} |`);
  }
}
