import { describe, expect, it } from 'vitest';
import type { LabInstallations } from '../../scenarios/providers/lab-installations.js';
import { rehearsalScenario, type RehearsalFlags } from '../../scenarios/runner/rehearsal-scenario.js';
import { validateScenario } from '../../scenarios/scenario-file.js';
import { parseLabEnv } from '../../scenarios/providers/lab-installations.js';

const flags: RehearsalFlags = { method: 'logical', switchover: 'hard', mode: 'link', scale: 1, rate: 50, durationMs: 60_000 };

function fakeLab(majors: Record<number, string>): LabInstallations {
  return { file: '/lab/lab.env', env: {}, bindir: (m) => majors[m], pgbouncer: () => '/usr/sbin/pgbouncer' };
}

describe('cutover rehearse: the scenario built from the flags', () => {
  it('defaults to embedded 15 -> 17, logical, hard cut, a one-minute soak split around the step', () => {
    const { scenario, targetMajor } = rehearsalScenario(flags, undefined);
    expect(targetMajor).toBe(17);
    expect(scenario).toMatchObject({
      name: 'logical-15.18-to-17.10',
      blue: { provider: 'embedded', version: '15' },
      green: { provider: 'embedded', version: '17' },
      switchover: 'hard',
      soak: { rate: 50 },
    });
    expect(scenario.steps).toEqual([{ action: 'wait', duration: 30_000 }, { action: 'logical-bluegreen' }, { action: 'wait', duration: 30_000 }]);
  });

  it('minor: one server, embedded 16.4 -> 16 by default, the same major required', () => {
    const { scenario } = rehearsalScenario({ ...flags, method: 'minor', durationMs: 6_000 }, undefined);
    expect(scenario.green).toBeUndefined();
    expect(scenario.steps[1]).toEqual({ action: 'minor-restart', to: '16' });
    expect(validateScenario(scenario).steps).toHaveLength(3);
    expect(() => rehearsalScenario({ ...flags, method: 'minor', from: '15', to: '17' }, undefined)).toThrow(/--method minor: --from and --to must be the same major, got 15 and 17/);
    // No soak time: no wait steps.
    expect(rehearsalScenario({ ...flags, method: 'minor', durationMs: 0 }, undefined).scenario.steps).toHaveLength(1);
  });

  it('pg-upgrade and dump-restore take the full tools from the lab, or say how to get them', () => {
    const lab = fakeLab({ 15: '/usr/lib/postgresql/15/bin', 18: '/lab/pg-18/bin' });
    const { scenario } = rehearsalScenario({ ...flags, method: 'pg-upgrade', to: '18', mode: 'copy' }, lab);
    expect(scenario.blue).toEqual({ provider: 'bindir', bindir: '/usr/lib/postgresql/15/bin' });
    expect(scenario.green).toEqual({ provider: 'bindir', bindir: '/lab/pg-18/bin' });
    expect(scenario.steps[1]).toEqual({ action: 'pg-upgrade', mode: 'copy' });
    expect(() => rehearsalScenario({ ...flags, method: 'dump-restore' }, undefined)).toThrow(/needs a full PostgreSQL 17 installation.*run scripts\/lab\.sh.*--to-bindir/);
    expect(() => rehearsalScenario({ ...flags, method: 'dump-restore' }, lab)).toThrow(/a lab without PostgreSQL 17/);
    const overridden = rehearsalScenario({ ...flags, method: 'dump-restore', toBindir: '/opt/pg17/bin' }, undefined).scenario;
    expect(overridden.green).toEqual({ provider: 'bindir', bindir: '/opt/pg17/bin' });
    expect(overridden.blue).toEqual({ provider: 'embedded', version: '15' });
  });

  it('refuses versions it cannot provide and downgrades, naming the flag', () => {
    expect(() => rehearsalScenario({ ...flags, from: '9.6' }, undefined)).toThrow(/--from: expected a PostgreSQL version/);
    expect(() => rehearsalScenario({ ...flags, to: '18' }, undefined)).toThrow(/--to: expected one of 15, .*got "18"/);
    expect(() => rehearsalScenario({ ...flags, from: '17', to: '15' }, undefined)).toThrow(/--to must be a later major than --from/);
    expect(rehearsalScenario({ ...flags, to: '18' }, fakeLab({ 18: '/lab/pg-18/bin' })).scenario.green).toEqual({ provider: 'bindir', bindir: '/lab/pg-18/bin' });
  });
});

describe('lab.env', () => {
  it('reads KEY=value lines, exported or quoted', () => {
    expect(parseLabEnv('# lab\nexport CUTOVER_LAB_PG17_BINDIR="/a b/bin"\nCUTOVER_LAB_PGBOUNCER=/usr/sbin/pgbouncer\n\n')).toEqual({
      CUTOVER_LAB_PG17_BINDIR: '/a b/bin',
      CUTOVER_LAB_PGBOUNCER: '/usr/sbin/pgbouncer',
    });
  });
});
