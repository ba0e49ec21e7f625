import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { RunManifest } from '../scenarios/run-manifest.js';
import type { DiffReport } from './diff-report.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { stepTableMarkdown } from './step-table.js';
import { renderRunHtml } from './run-html.js';
import { readSnapshot, type Snapshot } from '../checks/snapshot.js';
import { chartsSectionHtml, loadRunCharts, writePngCharts } from './charts/index.js';
import { verdictReasons } from './verdict-reasons.js';
import { cloudwatchSectionHtml } from './sections/cloudwatch-section.js';
import { escapeMarkdown } from './escape.js';

/** Reads `run.json` of a run directory, refusing anything else. */
export async function readRunManifest(runDir: string): Promise<RunManifest> {
  const path = join(runDir, 'run.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CutoverError('input', `${runDir}: not a readable run directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  if ((parsed as RunManifest)?.kind !== 'cutover.run') {
    throw new CutoverError('input', `${path}: not a cutover run manifest (expected "kind": "cutover.run")`);
  }
  return parsed as RunManifest;
}

async function readFindings(runDir: string): Promise<DiffReport | undefined> {
  try {
    return JSON.parse(await readFile(join(runDir, 'findings.json'), 'utf8')) as DiffReport;
  } catch {
    return undefined;
  }
}

/** A snapshot of the run, when it has one that reads. */
async function optionalSnapshot(path: string): Promise<Snapshot | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return await readSnapshot(path);
  } catch {
    return undefined;
  }
}

/**
 * Renders `report.html` (with its charts), `charts/*.png`, `junit.xml` and `summary.md` from what
 * a run directory holds, without touching a database: `cutover report` re-renders any old run
 * this way.
 */
export async function renderRunDirectory(runDir: string): Promise<Record<string, string>> {
  const run = await readRunManifest(runDir);
  const diff = await readFindings(runDir);
  const [pre, post] = await Promise.all([optionalSnapshot(join(runDir, 'pre.snapshot.json')), optionalSnapshot(join(runDir, 'post.snapshot.json'))]);
  const files: Record<string, string> = {};
  const charts = await loadRunCharts(runDir, run);
  const png = await writePngCharts(runDir, charts);
  const page = {
    run,
    chartsHtml: chartsSectionHtml(charts),
    ...(png.note ? { pngNote: png.note } : {}),
    ...(pre ? { pre } : {}),
    ...(post ? { post } : {}),
    // Read by report-page.ts through the page options (html.ts and run-html.ts pass them on whole).
    ...(charts.cloudwatch ? { cloudwatchHtml: cloudwatchSectionHtml(charts.cloudwatch, run) } : {}),
  };
  await writeFile(join(runDir, 'report.html'), diff ? renderHtml(diff, page) : renderRunHtml(run, page));
  files.report = 'report.html';
  if (png.files.length) files.charts = 'charts/';
  if (diff) {
    await writeFile(join(runDir, 'junit.xml'), renderJunit(diff));
    files.junit = 'junit.xml';
  }
  await writeFile(join(runDir, 'summary.md'), runSummaryMarkdown(run, diff));
  files.summary = 'summary.md';
  return files;
}

/** summary.md: the verdict and its reasons, the step table, then the diff's findings. */
function runSummaryMarkdown(run: RunManifest, diff: DiffReport | undefined): string {
  const reasons = verdictReasons(run, diff)
    .map((r) => `- ${r.severity === 'fail' ? '**' : ''}${escapeMarkdown(r.text)}${r.severity === 'fail' ? '**' : ''}`)
    .join('\n');
  return `# cutover run ${escapeMarkdown(run.name)}: ${run.verdict.toUpperCase()}\n\n${reasons}\n\n## Steps\n\n${stepTableMarkdown(run)}\n${diff ? renderMarkdown(diff) : ''}`;
}
