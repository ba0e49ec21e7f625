import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorLine, errorRecordLines } from '../core/errors.js';
import type { RunManifest } from '../run/manifest.js';
import type { DiffReport } from './diff-report.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { stepTableMarkdown } from './step-table.js';
import { writerChangesMarkdown } from './writer-changes-html.js';
import { renderRunHtml } from './run-html.js';
import { runBaselineComparison } from './compare/run-baseline-html.js';
import { unreadableInputs } from './report-page.js';
import { readSnapshot } from '../checks/snapshot.js';
import type { SnapshotSide } from './sections/check-data.js';
import { chartsSectionHtml, loadRunCharts, writePngCharts } from './charts/index.js';
import { readStoppedHarness, type StoppedHarness } from './stopped-harness.js';
import { verdictReasons } from './verdict-reasons.js';
import { cloudwatchSectionHtml } from './sections/cloudwatch-section.js';
import { escapeMarkdown } from './escape.js';
import { readRunManifest } from '../run/read-run.js';
import { dataSectionMarkdown } from './sections/data-section.js';
import { baselineMarkdown } from './baseline-markdown.js';

/** An artifact of the run directory: absent, read, or present but unreadable (with why). */
type Artifact<T> = { state: 'absent' } | { state: 'read'; value: T } | { state: 'unreadable'; reason: string };

/** The short message of an error, without the path the reader already names. */
function reasonOf(error: unknown, path: string): string {
  return errorLine(error).replace(`${path}: `, '');
}

/** findings.json, checked for the fields the report reads, so a malformed file is named, not rendered. */
async function readFindings(runDir: string): Promise<Artifact<DiffReport>> {
  const path = join(runDir, 'findings.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'unreadable', reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { state: 'unreadable', reason: `invalid JSON (${(error as Error).message})` };
  }
  const d = parsed as Partial<DiffReport> | null;
  if (typeof d !== 'object' || d === null || d.kind !== 'cutover.findings') return { state: 'unreadable', reason: 'not cutover findings (expected "kind": "cutover.findings")' };
  const missing: string[] = [
    ...(['findings', 'checks'] as const).filter((k) => !Array.isArray(d[k])),
    ...(['pre', 'post', 'summary', 'gate'] as const).filter((k) => typeof d[k] !== 'object' || d[k] === null),
  ];
  if (missing.length) return { state: 'unreadable', reason: `malformed: ${missing.map((k) => `"${k}"`).join(', ')} missing or of the wrong type` };
  return { state: 'read', value: d as DiffReport };
}

/** A snapshot of the run: undefined when absent, its reason when present but unreadable. */
async function optionalSnapshot(path: string): Promise<SnapshotSide | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return await readSnapshot(path);
  } catch (error) {
    return { unreadable: reasonOf(error, path) };
  }
}

/**
 * Renders `report.html` (with its charts), `charts/*.png`, `junit.xml` and `summary.md` from what
 * a run directory holds, without touching a database: `cutover report` re-renders any old run
 * this way.
 */
export async function renderRunDirectory(runDir: string): Promise<Record<string, string>> {
  const run = await readRunManifest(runDir);
  // A run still marked running: its harness stopped (or runs on); the page says what it left.
  const stopped = await readStoppedHarness(runDir, run);
  const findings = await readFindings(runDir);
  const diff = findings.state === 'read' ? findings.value : undefined;
  const findingsUnreadable = findings.state === 'unreadable' ? findings.reason : undefined;
  const [pre, post] = await Promise.all([optionalSnapshot(join(runDir, 'pre.snapshot.json')), optionalSnapshot(join(runDir, 'post.snapshot.json'))]);
  const files: Record<string, string> = {};
  const charts = await loadRunCharts(runDir, run);
  // A rehearsal's blue and green baselines, compared as `cutover compare RUN` would.
  const compareBaselines = await runBaselineComparison(runDir, run);
  const png = await writePngCharts(runDir, charts);
  const page = {
    run,
    chartsHtml: chartsSectionHtml(charts),
    ...(png.note ? { pngNote: png.note } : {}),
    ...(pre ? { pre } : {}),
    ...(post ? { post } : {}),
    ...(findingsUnreadable !== undefined ? { findingsUnreadable } : {}),
    ...(stopped ? { stopped } : {}),
    // Read by report-page.ts through the page options (html.ts and run-html.ts pass them on whole).
    ...(charts.cloudwatch ? { cloudwatchHtml: cloudwatchSectionHtml(charts.cloudwatch, run) } : {}),
    ...(compareBaselines ? { compareBaselines } : {}),
  };
  await writeFile(join(runDir, 'report.html'), diff ? renderHtml(diff, page) : renderRunHtml(run, page));
  files.report = 'report.html';
  if (png.files.length) files.charts = 'charts/';
  if (diff) {
    await writeFile(join(runDir, 'junit.xml'), renderJunit(diff));
    files.junit = 'junit.xml';
  }
  await writeFile(join(runDir, 'summary.md'), runSummaryMarkdown(run, diff, { findingsUnreadable, pre, post, stopped }));
  files.summary = 'summary.md';
  return files;
}

/** summary.md: the verdict and its reasons, the step table, the data validations, then the diff's findings. */
function runSummaryMarkdown(run: RunManifest, diff: DiffReport | undefined, inputs: { findingsUnreadable?: string; pre?: SnapshotSide; post?: SnapshotSide; stopped: StoppedHarness | undefined }): string {
  const reasons = verdictReasons(run, diff, { ...unreadableInputs(inputs), ...(inputs.stopped ? { stopped: inputs.stopped } : {}) })
    .map((r) => {
      const line = `- ${r.severity === 'fail' ? '**' : ''}${escapeMarkdown(r.text)}${r.severity === 'fail' ? '**' : ''}`;
      // SQLSTATE, detail and hint under the error's line; the rest of the record is in report.html.
      const facts = r.error ? errorRecordLines(r.error).map((f) => `\n  - ${escapeMarkdown(f)}`) : [];
      return `${line}${facts.join('')}`;
    })
    .join('\n');
  return `# cutover run ${escapeMarkdown(run.name)}: ${run.verdict.toUpperCase()}\n\n${reasons}\n\n${run.method === 'baseline' ? '' : `## Steps\n\n${stepTableMarkdown(run)}\n`}${writerChangesMarkdown(run)}${run.data ? `${dataSectionMarkdown(run.data)}\n` : ''}${baselineMarkdown(run)}${diff ? renderMarkdown(diff) : ''}`;
}
