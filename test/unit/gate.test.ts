import { describe, expect, it } from 'vitest';
import { applyGate } from '../../reports/gate.js';
import type { Finding, Severity } from '../../checks/finding.js';

function finding(id: string, severity: Severity): Finding {
  return { id, checkId: id.split('/')[0] ?? id, key: id.split('/')[1] ?? '', severity, message: id };
}

const dropped = finding('extensions/missing:app:vector', 'fail');
const pending = finding('extensions/update-pending:app:postgis', 'warn');
const added = finding('extensions/added:app:pg_trgm', 'info');

describe('applyGate', () => {
  it('fails on a finding whose severity is in failOn', () => {
    const gate = applyGate([dropped, pending, added], { failOn: ['fail'], allow: [] });
    expect(gate.verdict).toBe('fail');
    expect(gate.failing.map((f) => f.id)).toEqual([dropped.id]);
    expect(gate.allowed).toEqual([]);
  });

  it('allows a finding named exactly by the allow-list', () => {
    const gate = applyGate([dropped, pending], { failOn: ['fail'], allow: ['extensions/missing:app:vector'] });
    expect(gate.failing).toEqual([]);
    expect(gate.allowed.map((f) => f.id)).toEqual([dropped.id]);
    expect(gate.verdict).toBe('warn');
  });

  it('allows findings named by a prefix ending in *', () => {
    const gate = applyGate([dropped, pending], { failOn: ['fail', 'warn'], allow: ['extensions/*'] });
    expect(gate.failing).toEqual([]);
    expect(gate.allowed).toHaveLength(2);
  });

  it('does not treat a pattern without * as a prefix', () => {
    const gate = applyGate([dropped], { failOn: ['fail'], allow: ['extensions/missing'] });
    expect(gate.verdict).toBe('fail');
  });

  it('fails on warnings when failOn includes warn', () => {
    const gate = applyGate([pending, added], { failOn: ['warn'], allow: [] });
    expect(gate.verdict).toBe('fail');
    expect(gate.failing.map((f) => f.id)).toEqual([pending.id]);
  });

  it('says warn when nothing fails but a warning remains', () => {
    expect(applyGate([pending, added], { failOn: ['fail'], allow: [] }).verdict).toBe('warn');
  });

  it('passes with info findings only, or none', () => {
    expect(applyGate([added], { failOn: ['fail'], allow: [] }).verdict).toBe('pass');
    expect(applyGate([], { failOn: ['fail', 'warn'], allow: [] }).verdict).toBe('pass');
  });

  it('passes when failOn is empty, but still says warn for warnings', () => {
    expect(applyGate([dropped], { failOn: [], allow: [] }).verdict).toBe('warn');
  });
});
