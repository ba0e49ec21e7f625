import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorRecord } from '../../core/errors.js';
import { renderRunDirectory } from '../../reports/render-run.js';
import { verdictReasons } from '../../reports/verdict-reasons.js';
import { manifest, runInputs, step, writeRunDir } from './compare-fixtures.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-error-record-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const stepError: ErrorRecord = {
  code: 'query',
  message: 'command exited with 1: ERROR: boom',
  sqlState: '22012',
  detail: 'the divisor was zero',
  hint: 'check the input',
  tool: { command: 'psql -f migrate.sql', exitCode: 1, stderrTail: 'ERROR:  22012: boom' },
};
const runError: ErrorRecord = {
  code: 'query',
  message: 'post-checks: permission denied for table <secret>',
  full: 'post-checks: permission denied for table <secret>\nSELECT count(*) FROM "<secret>"',
  sqlState: '42501',
  hint: 'grant SELECT to the checking role',
};

describe("a run's errors in the report, summary.md and the verdict's reasons", () => {
  it('the reasons carry the records, whose message is the text', () => {
    const m = manifest('failed', '15.18', '17.10', [step('migrate', 'command', 0, 1, { status: 'failed', error: stepError })], { verdict: 'error', error: runError });
    const reasons = verdictReasons(m, undefined);
    expect(reasons.filter((r) => r.error)).toEqual([
      { severity: 'fail', text: 'The run could not complete: post-checks: permission denied for table <secret>', error: runError },
      { severity: 'fail', text: 'Step "migrate" failed: command exited with 1: ERROR: boom', error: stepError },
    ]);
  });

  it("report.html folds the run's and the step's records under their messages; summary.md lists SQLSTATE, detail and hint", async () => {
    const m = manifest('failed', '15.18', '17.10', [step('migrate', 'command', 0, 1, { status: 'failed', error: stepError })], { verdict: 'error', error: runError });
    const dir = await writeRunDir(join(work, 'failed'), runInputs('failed', m));
    await renderRunDirectory(dir);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const runSection = html.match(/<h2 id="run-error">[\s\S]*?<\/details>/)?.[0] ?? '';
    expect(runSection).toContain('<span class="error-message">post-checks: permission denied for table &lt;secret&gt;</span>');
    expect(runSection).toContain('<code>42501</code>');
    expect(runSection).toContain('SELECT count(*) FROM &quot;&lt;secret&gt;&quot;');
    expect(html).not.toContain('<secret>');
    const stepFold = html.match(/<div class="step-error">[\s\S]*?<\/details>/)?.[0] ?? '';
    expect(stepFold).toContain('<dt>Hint</dt><dd><span class="pre-line">check the input</span></dd>');
    expect(stepFold).toContain('<pre>psql -f migrate.sql</pre>');
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('- **Step "migrate" failed: command exited with 1: ERROR: boom**\n  - SQLSTATE 22012\n  - DETAIL: the divisor was zero\n  - HINT: check the input\n');
    expect(summary).toContain('- **The run could not complete: post-checks: permission denied for table &lt;secret&gt;**\n  - SQLSTATE 42501\n  - HINT: grant SELECT to the checking role\n');
  });
});
