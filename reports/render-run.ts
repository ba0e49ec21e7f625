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

/**
 * Renders `report.html`, `junit.xml` and `summary.md` from what a run directory holds, without
 * touching a database: `cutover report` re-renders any old run this way.
 */
export async function renderRunDirectory(runDir: string): Promise<Record<string, string>> {
  const run = await readRunManifest(runDir);
  const diff = await readFindings(runDir);
  const files: Record<string, string> = {};
  await writeFile(join(runDir, 'report.html'), diff ? renderHtml(diff, { run }) : renderRunHtml(run));
  files.report = 'report.html';
  if (diff) {
    await writeFile(join(runDir, 'junit.xml'), renderJunit(diff));
    files.junit = 'junit.xml';
  }
  const summary = `# cutover run ${run.name}: ${run.verdict}\n\n${run.error ? `Error: ${run.error}\n\n` : ''}## Steps\n\n${stepTableMarkdown(run)}\n${diff ? renderMarkdown(diff) : ''}`;
  await writeFile(join(runDir, 'summary.md'), summary);
  files.summary = 'summary.md';
  return files;
}
