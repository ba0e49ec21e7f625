import { describe, expect, it } from 'vitest';
import { stepTableHtml, stepTableMarkdown } from '../../reports/step-table.js';
import type { RunManifest, StepRecord } from '../../run/manifest.js';

function run(steps: StepRecord[]): RunManifest {
  return {
    kind: 'cutover.run',
    schemaVersion: 1,
    tool: { name: 'cutover', version: '0.0.0' },
    name: 't',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    durationMs: null,
    verdict: 'pass',
    method: 'logical',
    config: {},
    endpoints: {},
    steps,
    files: {},
  };
}

const base: StepRecord = {
  name: 'logical blue/green from 15.18',
  action: 'logical-bluegreen',
  status: 'ok',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:03.000Z',
  durationMs: 3000,
  downtimeMs: 0,
  failedAttempts: 0,
  lost: 0,
  unexpected: 0,
  duplicated: 0,
};

describe('step table', () => {
  it('tells which switchover style ran, how long a pause held clients, and late writes', () => {
    const pause = { ...base, late: 3, details: { style: 'pause', clientsHeld: { start: 'a', end: 'b', durationMs: 55.4 } } };
    const hard = { ...base, name: 'hard', details: { style: 'hard' } };
    const html = stepTableHtml(run([pause, hard]));
    expect(html).toContain('switchover: pause through PgBouncer (clients held 55 ms)');
    expect(html).toContain('late writes 3');
    expect(html).toContain('switchover: hard cut');
    expect(stepTableMarkdown(run([pause]))).toContain('switchover: pause through PgBouncer');
  });

  it('shows no switchover facts for other steps', () => {
    expect(stepTableHtml(run([{ ...base, action: 'wait', details: { duration: 1000 } }]))).not.toContain('switchover');
  });

  it('points at the file of flagged ids when the run lists any, and only then', () => {
    const withIds = (late: number): RunManifest => ({ ...run([{ ...base, late }]), files: { flaggedIds: 'flagged-ids.ndjson' } });
    expect(stepTableHtml(withIds(2))).toContain('<a href="flagged-ids.ndjson">flagged-ids.ndjson</a>');
    expect(stepTableMarkdown(withIds(2))).toContain('is listed in flagged-ids.ndjson in the run directory');
    expect(stepTableHtml(withIds(0))).not.toContain('flagged-ids');
  });

  it("shows a failed step's short message and folds its whole record under it, escaped", () => {
    const failed: StepRecord = {
      ...base,
      status: 'failed',
      error: {
        code: 'query',
        message: 'command exited with 1: ERROR: boom <script>',
        full: 'command exited with 1: ERROR: boom <script>\n--- output ---\nERROR:  22012: boom <script>',
        sqlState: '22012',
        detail: 'the <b>divisor</b> was zero',
        hint: 'check | the input',
        tool: { command: "psql -c 'select 1/0'", exitCode: 1, stderrTail: 'ERROR:  22012: boom <script>' },
      },
    };
    const html = stepTableHtml(run([failed]));
    expect(html).toContain('<span class="error-message">command exited with 1: ERROR: boom &lt;script&gt;</span>');
    const folded = html.match(/<details class="error-record">[\s\S]*?<\/details>/)?.[0] ?? '';
    expect(folded).toContain('<summary>SQLSTATE 22012 · exit 1 · details</summary>');
    expect(folded).toContain('<dt>Detail</dt><dd><span class="pre-line">the &lt;b&gt;divisor&lt;/b&gt; was zero</span></dd>');
    expect(folded).toContain('<dt>Command</dt><dd><pre>psql -c &#39;select 1/0&#39;</pre></dd>');
    expect(folded).toContain('<dt>Full message</dt>');
    expect(html).not.toMatch(/<script>|<b>/);
    // summary.md: the short message, then SQLSTATE, detail and hint, in one escaped cell.
    const md = stepTableMarkdown(run([failed]));
    expect(md).toContain('| command exited with 1: ERROR: boom &lt;script&gt;<br>SQLSTATE 22012<br>DETAIL: the &lt;b&gt;divisor&lt;/b&gt; was zero<br>HINT: check \\| the input |');
  });

  it('shows a record with nothing more than its message as that message alone', () => {
    const html = stepTableHtml(run([{ ...base, status: 'failed', error: { message: 'exited with 3' } }]));
    expect(html).toContain('<span class="error-message">exited with 3</span>');
    expect(html).not.toContain('<details');
  });
});
