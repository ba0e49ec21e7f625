import { describe, expect, it } from 'vitest';
import { soakEvidence, type EvidenceInput } from '../../load/analysis/soak-evidence.js';
import { ErrorSampler, describeError, SAMPLES_PER_CLASS, SAMPLES_TOTAL, type ErrorSample } from '../../load/error-samples.js';
import { classifyError, isAvailabilityClass } from '../../load/error-class.js';
import { RunTotals } from '../../load/driver/run-totals.js';
import { LaneTracker } from '../../load/analysis/lane-tracker.js';
import { summaryLines, errorLines } from '../../cli/soak-lines.js';
import { parseRatio, soakGate, soakPlan, type SoakOptions } from '../../cli/soak-plan.js';
import { resolveConfig } from '../../core/config.js';
import { downtimeLimit } from '../../reports/gate.js';
import { windowsSectionHtml } from '../../reports/windows-html.js';
import { verdictReasons } from '../../reports/verdict-reasons.js';
import { recordJudgement } from '../../run/soak-results.js';
import type { RunManifest } from '../../run/manifest.js';
import type { SoakRecord } from '../../load/soak-record.js';
import type { SoakSummary } from '../../load/analysis/soak-summary.js';

const plain = { bold: String, dim: String, red: String, green: String, yellow: String };
const T0 = Date.parse('2026-12-05T10:00:00.000Z');

const sample = (over: Partial<ErrorSample> = {}): ErrorSample => ({ errorClass: 'permission-denied', sqlState: '42501', message: 'permission denied for table events', firstSeen: new Date(T0).toISOString(), count: 1, ...over });

const input = (over: Partial<EvidenceInput['load']> = {}, ledger = { attempts: 50, confirmed: 50 }, minSuccessRatio = 0.99): EvidenceInput => ({
  load: { ok: 100, failed: 0, errors: {}, ...over },
  ledger,
  minSuccessRatio,
});

describe('soakEvidence: no pass without evidence', () => {
  it('passes a load that succeeded, above the floor, with writes confirmed', () => {
    expect(soakEvidence(input())).toEqual({ passed: true, reasons: [], successRatio: 1, minSuccessRatio: 0.99, outageFailures: 0, confirmed: 50 });
  });

  it('a load that never succeeded: one reason, naming the first error words (earliest first seen)', () => {
    const samples = [
      sample({ errorClass: 'reset', sqlState: undefined, message: 'Connection terminated unexpectedly', firstSeen: new Date(T0 + 5).toISOString(), count: 3 }),
      sample({ errorClass: 'tls', sqlState: undefined, message: 'cannot connect: The server does not support SSL connections', count: 37 }),
    ];
    const e = soakEvidence(input({ ok: 0, failed: 40, errors: { tls: 37, reset: 3 }, errorMessages: { samples } }, { attempts: 20, confirmed: 0 }));
    expect(e.passed).toBe(false);
    expect(e.reasons).toEqual(['the load never succeeded: cannot connect: The server does not support SSL connections (tls); 40 attempts failed']);
    expect(e.successRatio).toBe(0);
  });

  it('a load that never succeeded and kept no message still names its classes, never nothing', () => {
    const e = soakEvidence(input({ ok: 0, failed: 4, errors: { other: 4 } }, { attempts: 2, confirmed: 0 }));
    expect(e.reasons).toEqual(['the load never succeeded: other; 4 attempts failed']);
  });

  it('leaves the failures an outage explains out of the ratio: a restart is downtime, not missing evidence', () => {
    const e = soakEvidence(input({ ok: 900, failed: 100, errors: { refused: 60, 'admin-shutdown': 30, 'starting-up': 10 } }));
    expect(e).toMatchObject({ passed: true, successRatio: 1, outageFailures: 100 });
  });

  it('fails a ratio below the floor with the classes no outage explains and their words', () => {
    const samples = [sample({ count: 20 })];
    const e = soakEvidence(input({ ok: 80, failed: 30, errors: { 'permission-denied': 20, refused: 10 }, errorMessages: { samples } }));
    expect(e.successRatio).toBe(0.8);
    expect(e.outageFailures).toBe(10);
    expect(e.reasons).toEqual(["only 80% of the load's attempts succeeded outside outages (floor 99%): 20 permission-denied: permission denied for table events"]);
    // The floor is the user's: at 0.8 the same run has its evidence.
    expect(soakEvidence({ ...input({ ok: 80, failed: 30, errors: { 'permission-denied': 20, refused: 10 } }), minSuccessRatio: 0.8 }).passed).toBe(true);
  });

  it('never rounds a ratio up to the floor it misses', () => {
    const e = soakEvidence(input({ ok: 9_899, failed: 101, errors: { 'sqlstate-42P01': 101 } }));
    expect(e.reasons[0]).toMatch(/^only 98\.9% .*floor 99%/);
  });

  it('fails a soak that confirmed no ledgered write, even when reads succeeded', () => {
    const e = soakEvidence(input({ ok: 100, failed: 0, errors: {} }, { attempts: 0, confirmed: 0 }));
    expect(e.reasons).toEqual(['no ledgered write was confirmed (0 attempted)']);
  });

  it('says so when no attempt ended at all', () => {
    expect(soakEvidence(input({ ok: 0, failed: 0 }, { attempts: 0, confirmed: 0 })).reasons).toEqual(['the load made no attempt that ended (the soak was too short, or stopped at once)']);
  });
});

describe('ErrorSampler: the words of each class, capped', () => {
  it('keeps distinct messages with their SQLSTATE, count and first time seen, and announces a class once', () => {
    const s = new ErrorSampler();
    expect(s.add('permission-denied', { message: 'permission denied for table events', sqlState: '42501' }, T0)?.message).toBe('permission denied for table events');
    expect(s.add('permission-denied', { message: 'permission denied for table events', sqlState: '42501' }, T0 + 10)).toBeUndefined();
    expect(s.add('permission-denied', { message: 'permission denied for table writers', sqlState: '42501' }, T0 + 20)).toBeUndefined();
    expect(s.add('refused', { message: 'connect ECONNREFUSED 127.0.0.1:5432' }, T0 + 30)).toMatchObject({ errorClass: 'refused' });
    expect(s.messages()).toEqual({
      samples: [
        { errorClass: 'permission-denied', sqlState: '42501', message: 'permission denied for table events', firstSeen: '2026-12-05T10:00:00.000Z', count: 2 },
        { errorClass: 'permission-denied', sqlState: '42501', message: 'permission denied for table writers', firstSeen: '2026-12-05T10:00:00.020Z', count: 1 },
        { errorClass: 'refused', message: 'connect ECONNREFUSED 127.0.0.1:5432', firstSeen: '2026-12-05T10:00:00.030Z', count: 1 },
      ],
      unsampled: {},
    });
  });

  it(`keeps at most ${SAMPLES_PER_CLASS} per class and ${SAMPLES_TOTAL} in all, counts the rest, and always keeps a new class's first message`, () => {
    const s = new ErrorSampler();
    for (let i = 0; i < 8; i++) s.add('sqlstate-23505', { message: `duplicate ${i}`, sqlState: '23505' }, T0 + i);
    let m = s.messages();
    expect(m.samples).toHaveLength(SAMPLES_PER_CLASS);
    expect(m.unsampled).toEqual({ 'sqlstate-23505': 3 });
    for (let c = 0; c < 5; c++) for (let i = 0; i < 5; i++) s.add(`sqlstate-0000${c}`, { message: `m${i}` }, T0 + 100 + i);
    m = s.messages();
    // 20 kept, then the two classes first seen past the cap keep their first message only.
    expect(m.samples).toHaveLength(SAMPLES_TOTAL + 2);
    expect(m.unsampled).toEqual({ 'sqlstate-23505': 3, 'sqlstate-00003': 4, 'sqlstate-00004': 4 });
    // A class first seen past the total cap still keeps its first message: `other` never stands alone.
    expect(s.add('other', { message: 'something nobody classified' }, T0 + 500)).toMatchObject({ errorClass: 'other' });
    expect(s.add('other', { message: 'another' }, T0 + 501)).toBeUndefined();
    m = s.messages();
    expect(m.samples.filter((x) => x.errorClass === 'other').map((x) => x.message)).toEqual(['something nobody classified']);
    expect(m.samples).toHaveLength(SAMPLES_TOTAL + 3);
    expect(m.unsampled.other).toBe(1);
  });

  it('RunTotals and LaneTracker keep the words of their failures', () => {
    const totals = new RunTotals();
    totals.completed(false, 'tls', 1, 'error', { message: 'cannot connect: The server does not support SSL connections' }, T0);
    totals.completed(true, undefined, 1, 'ok');
    expect(totals.summary().errorMessages.samples).toEqual([{ errorClass: 'tls', message: 'cannot connect: The server does not support SSL connections', firstSeen: '2026-12-05T10:00:00.000Z', count: 1 }]);
    const firsts: ErrorSample[] = [];
    const lane = new LaneTracker({ lane: 'probe', intervalMs: 20, horizonMs: 100, degradedThresholdMs: 500, onNewErrorClass: (x) => firsts.push(x) });
    lane.add({ dueAt: T0, completedAt: T0 + 1, ok: false, errorClass: 'auth', message: 'password authentication failed for user "x"', sqlState: '28P01' });
    lane.add({ dueAt: T0 + 20, completedAt: T0 + 21, ok: false, errorClass: 'auth', message: 'password authentication failed for user "x"', sqlState: '28P01' });
    expect(firsts).toHaveLength(1);
    expect(lane.finish()).toMatchObject({ errors: { auth: 2 }, errorMessages: { samples: [{ errorClass: 'auth', sqlState: '28P01', count: 2 }] } });
  });
});

describe('classifyError and describeError', () => {
  const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

  it('tells a server shutting down from one starting up, though both answer 57P03', () => {
    expect(classifyError(err('the database system is shutting down', '57P03'))).toBe('shutting-down');
    expect(classifyError(err('the database system is starting up', '57P03'))).toBe('starting-up');
    expect(isAvailabilityClass('shutting-down')).toBe(true);
  });

  it('gives TLS refusals, authentication failures, permission errors and unresolved hosts classes of their own', () => {
    expect(classifyError(err('The server does not support SSL connections'))).toBe('tls');
    expect(classifyError(err('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'))).toBe('tls');
    expect(classifyError(err('password authentication failed for user "app"', '28P01'))).toBe('auth');
    expect(classifyError(err('no pg_hba.conf entry for host', '28000'))).toBe('auth');
    expect(classifyError(err('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'))).toBe('auth');
    expect(classifyError(err('permission denied for table events', '42501'))).toBe('permission-denied');
    expect(classifyError(err('getaddrinfo ENOTFOUND db.example', 'ENOTFOUND'))).toBe('dns');
    expect(classifyError(err('terminating connection due to administrator command', '57P01'))).toBe('admin-shutdown');
    expect(classifyError(err('relation "x" does not exist', '42P01'))).toBe('sqlstate-42P01');
    // Cut mid-handshake by a server going down: a reset (downtime), not a TLS refusal.
    expect(classifyError(err('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'))).toBe('reset');
  });

  it('reads an AggregateError (localhost: ::1 then 127.0.0.1) by its parts', () => {
    const refused = new AggregateError([err('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')], '');
    expect(classifyError(refused)).toBe('refused');
    expect(describeError(refused)).toEqual({ message: 'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432' });
    expect(describeError(err('permission denied for table events\nDETAIL: …', '42501'))).toEqual({ message: 'permission denied for table events', sqlState: '42501' });
    expect(describeError(undefined)).toEqual({ message: 'no error message' });
  });

  it('counts only the server not serving as an outage', () => {
    for (const c of ['refused', 'reset', 'admin-shutdown', 'starting-up', 'read-only', 'timeout', 'saturated', 'sqlstate-08006', 'sqlstate-57P04', 'sqlstate-53300', 'sqlstate-55000', 'sqlstate-3D000'] as const) expect(isAvailabilityClass(c), c).toBe(true);
    for (const c of ['auth', 'tls', 'dns', 'permission-denied', 'other', 'sqlstate-42P01', 'sqlstate-23505'] as const) expect(isAvailabilityClass(c), c).toBe(false);
  });
});

describe('the gate of a soak: flags, config, downtime limit', () => {
  const base: SoakOptions = { rate: '100', duration: '30s', workload: 'notifications', driver: 'node', probe: true, probeInterval: '20ms', schema: 'cutover', timeout: '1s', degradedThreshold: '500ms' };

  it('reads gate.maxDowntime (ms or a duration) and gate.minSuccessRatio (default 0.99) from the config, with no default limit', () => {
    expect(resolveConfig({}).gate).toMatchObject({ minSuccessRatio: 0.99 });
    expect(resolveConfig({}).gate.maxDowntime).toBeUndefined();
    expect(resolveConfig({ gate: { maxDowntime: '1m30s' } }).gate.maxDowntime).toBe(90_000);
    expect(resolveConfig({ gate: { maxDowntime: 250 } }).gate.maxDowntime).toBe(250);
    expect(() => resolveConfig({ gate: { maxDowntime: 'soon' } })).toThrow(/maxDowntime.*expected milliseconds or a duration/s);
    expect(() => resolveConfig({ gate: { minSuccessRatio: 1.5 } })).toThrow(/minSuccessRatio/);
  });

  it('flags override the config; a ratio is 0 to 1 or a percentage', () => {
    const plan = soakPlan({ ...base, maxDowntime: '2s', minSuccessRatio: '95%' });
    expect(plan).toMatchObject({ maxDowntimeMs: 2_000, minSuccessRatio: 0.95 });
    expect(soakGate(plan, { maxDowntime: 10, minSuccessRatio: 0.99 })).toEqual({ maxDowntimeMs: 2_000, minSuccessRatio: 0.95 });
    expect(soakGate(soakPlan(base), { minSuccessRatio: 0.9 })).toEqual({ minSuccessRatio: 0.9 });
    expect(parseRatio('--min-success-ratio', '0.5')).toBe(0.5);
    expect(() => parseRatio('--min-success-ratio', '2')).toThrow('--min-success-ratio: expected a ratio from 0 to 1 (e.g. 0.99) or a percentage (e.g. 99%), got "2"');
    expect(() => soakPlan({ ...base, maxDowntime: 'never' })).toThrow(/--max-downtime: expected a duration/);
  });

  it('judges downtime only against a limit the user set', () => {
    expect(downtimeLimit(5_000, undefined)).toEqual({ verdict: 'pass' });
    expect(downtimeLimit(500, 500)).toEqual({ verdict: 'pass' });
    expect(downtimeLimit(2_026, 500)).toEqual({ verdict: 'fail', reason: 'client downtime 2,026 ms is above the limit of 500 ms (gate.maxDowntime)' });
  });
});

const summary = (over: Partial<SoakSummary> = {}): SoakSummary => ({ attempts: 20, confirmed: 0, lost: 0, recovered: 0, notCommitted: 0, failed: 0, unexpected: 0, duplicated: 0, downtimeMs: 2_026, resolutionMs: 20, outages: [{ start: '2026-12-05T10:00:00.000Z', end: '2026-12-05T10:00:02.026Z', durationMs: 2_026, failedAttempts: 40, errorClasses: { other: 40 } }], ...over });

function soakRecord(): SoakRecord {
  return {
    driver: 'node',
    workload: 'notifications',
    schema: 'cutover',
    rate: 20,
    plannedDurationMs: 2_000,
    timeoutMs: 1_000,
    degradedThresholdMs: 500,
    lanes: { driver: { intervalMs: 50 } },
    writers: [],
    load: {
      attempts: 40,
      ok: 0,
      failed: 40,
      errors: { other: 40 },
      errorMessages: { samples: [{ errorClass: 'other', message: 'cannot connect: <something> the server said', firstSeen: '2026-12-05T10:00:00.010Z', count: 40 }], unsampled: {} },
      abandoned: 0,
      stoppedBy: 'duration',
      lagMs: { count: 40, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
      latencyMs: { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
    },
    summary: summary(),
  };
}

describe('the words reach the terminal, run.json and the report', () => {
  it('summaryLines: ERROR with the reason instead of PASS, the errors with their messages, FAIL over the limit', () => {
    const record = soakRecord();
    const evidence = recordJudgement(record, { minSuccessRatio: 0.99, maxDowntimeMs: 100 });
    expect(evidence?.passed).toBe(false);
    const lines = summaryLines(summary(), { note: 'resolution 20 ms', degraded: [] }, 500, plain, { errors: record.load, evidence, downtimeLimit: record.downtimeLimit });
    expect(lines).toContain('errors: 40 failed attempts by class and message');
    expect(lines).toContain('    40× cannot connect: <something> the server said (first 10:00:00.010 UTC)');
    expect(lines.at(-1)).toBe('result: ERROR: no evidence to pass on: the load never succeeded: cannot connect: <something> the server said (other); 40 attempts failed');
    expect(lines.some((l) => /PASS/.test(l))).toBe(false);
    expect(lines[1]).toMatch(/; limit 100 ms$/);

    const fine = summary({ confirmed: 20, outages: [] });
    const over = summaryLines(fine, { note: 'n', degraded: [] }, 500, plain, { evidence: { passed: true, reasons: [], successRatio: 1, minSuccessRatio: 0.99, outageFailures: 0, confirmed: 20 }, downtimeLimit: { maxDowntimeMs: 100, downtimeMs: 2_026, exceeded: true } });
    expect(over.at(-1)).toBe('result: FAIL: client downtime 2,026 ms is above the limit of 100 ms (gate.maxDowntime)');
    expect(errorLines('errors', { errors: {} })).toEqual([]);
  });

  it('the report shows each class with its words in the outage table, the messages table, and the reason in the banner', () => {
    const soak = soakRecord();
    recordJudgement(soak, { minSuccessRatio: 0.99 });
    const run: RunManifest = {
      kind: 'cutover.run',
      schemaVersion: 1,
      tool: { name: 'cutover', version: '0' },
      name: 'soak',
      startedAt: '2026-12-05T10:00:00.000Z',
      endedAt: '2026-12-05T10:00:02.100Z',
      durationMs: 2_100,
      verdict: 'error',
      method: 'soak',
      config: {},
      endpoints: {},
      steps: [],
      files: {},
      soak,
    };
    const html = windowsSectionHtml(run);
    expect(html).toContain('<code>other</code> ×40 <span class="error-message">cannot connect: &lt;something&gt; the server said</span>');
    expect(html).toMatch(/<th>SQLSTATE<\/th><th>Message<\/th><th>First seen<\/th><th>Count<\/th>/);
    expect(html).toContain('<td class="error-message">cannot connect: &lt;something&gt; the server said</td><td class="nowrap">2026-12-05 10:00:00.010 UTC</td><td class="num">40</td><td>load</td>');
    const reasons = verdictReasons(run, undefined);
    expect(reasons[0]).toEqual({ severity: 'fail', text: 'No evidence to pass on: the load never succeeded: cannot connect: <something> the server said (other); 40 attempts failed' });
  });
});
