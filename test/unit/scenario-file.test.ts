import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { loadScenarioFile, validateScenario } from '../../scenarios/scenario-file.js';
import { redactScenario } from '../../scenarios/runner/redact-scenario.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutover-scenario-file-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const valid = { name: 'ok', blue: { provider: 'embedded', version: '16' }, steps: [{ action: 'wait', duration: '1s' }] };

/** The CutoverError a validation throws (the test fails if none is thrown). */
function rejection(raw: unknown, source = 'my.scenario.yaml'): CutoverError {
  try {
    validateScenario(raw, source);
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario validation', () => {
  it('fills the defaults of a minimal scenario and parses step parameters', () => {
    const s = validateScenario(valid);
    expect(s).toMatchObject({ database: 'app', dataset: { name: 'notifications', scale: 1 }, soak: { rate: 50, driver: 'node' }, switchover: 'hard' });
  });

  it('names the file, the field path, what was expected and what was given', () => {
    const e = rejection({ ...valid, blue: { provider: 'embedded', version: 16 } });
    expect(e.code).toBe('config');
    expect(e.shortMessage).toMatch(/^my\.scenario\.yaml: field "blue\.version": .*expected string.*, got 16$/);
    expect(rejection({ ...valid, blue: { provider: 'docker' } }).shortMessage).toMatch(/field "blue\.provider": .*, got "docker"/);
    expect(rejection({ ...valid, soak: { rate: -5 } }).shortMessage).toMatch(/field "soak\.rate": .*, got -5/);
    expect(rejection({ ...valid, steps: [] }).shortMessage).toMatch(/field "steps": .*/);
    expect(rejection({ ...valid, colour: 'blue' }).shortMessage).toMatch(/\(root\): .*colour/);
  });

  it('names the step (number and action) and the field of a bad parameter', () => {
    const bad = (step: Record<string, unknown>) => rejection({ ...valid, steps: [{ action: 'wait', duration: '1s' }, step] }).shortMessage;
    expect(bad({ action: 'wait', duration: 'soon' })).toMatch(/^my\.scenario\.yaml: step 2 \(wait\): field "duration": expected a duration such as 30s.*got "soon"/);
    expect(bad({ action: 'wait' })).toMatch(/step 2 \(wait\): field "duration": /);
    expect(bad({ action: 'wait', duration: '1s', extra: true })).toMatch(/step 2 \(wait\): .*extra/);
    expect(bad({ action: 'command', run: 'true', timeout: 'never' })).toMatch(/step 2 \(command\): field "timeout": .*got "never"/);
    expect(bad({ action: 'command', run: 'true', env: { TOKEN: 5 } })).toMatch(/step 2 \(command\): field "env\.TOKEN": .*got 5/);
    expect(bad({ action: 'minor-restart', to: '12.3' })).toMatch(/step 2 \(minor-restart\): field "to": expected an embedded version .*got "12\.3"/);
    expect(bad({ action: 'teleport' })).toMatch(/step 2: field "action": expected one of minor-restart, wait, command.*got "teleport"/);
  });

  it('keeps passwords and command environments out of what run.json records', () => {
    const s = validateScenario({
      ...valid,
      blue: { provider: 'external', url: 'postgresql://app:s3cret@db.example:5432/app' },
      steps: [{ action: 'command', run: 'aws rds switchover', env: { AWS_SECRET_ACCESS_KEY: 'abc123' } }],
      setup: [
        "CREATE ROLE app LOGIN PASSWORD 'pa''ss1'",
        { sql: "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'a', password E'pa\\'ss2'); ALTER ROLE b PASSWORD $x$pass3$x$", before: 'dataset' },
        "CREATE SUBSCRIPTION s CONNECTION 'host=db password=pass4 dbname=app' PUBLICATION p; SELECT dblink_connect('postgresql://app:pass5@db/app')",
      ],
    });
    const text = JSON.stringify(redactScenario(s));
    expect(text).not.toMatch(/s3cret|abc123|pass1|pass2|pass3|ss1|ss2|pass4|pass5/);
    expect(text).toContain("CONNECTION 'host=db password=*** dbname=app'");
    expect(text).toContain('postgresql://app:***@db/app');
    expect(text).toContain("CREATE ROLE app LOGIN PASSWORD '***'");
    expect(text).toContain("ALTER ROLE b PASSWORD '***'");
    expect(text).toContain('postgresql://app:***@db.example:5432/app');
    expect(text).toContain('AWS_SECRET_ACCESS_KEY');
  });
});

describe('scenario files', () => {
  it('loads YAML, JSON and TypeScript (default export) files', async () => {
    const yaml = join(dir, 'a.yaml');
    await writeFile(yaml, 'name: a\nblue: { provider: embedded, version: "15" }\nsteps:\n  - action: wait\n    duration: 2s\n');
    expect((await loadScenarioFile(yaml)).steps).toEqual([{ action: 'wait', duration: '2s' }]);
    const json = join(dir, 'b.json');
    await writeFile(json, JSON.stringify(valid));
    expect((await loadScenarioFile(json)).name).toBe('ok');
    const ts = join(dir, 'c.scenario.ts');
    await writeFile(ts, `const steps: { action: string; duration: number }[] = [{ action: 'wait', duration: 500 }];\nexport default { name: 'c', blue: { provider: 'embedded', version: '17' }, steps };\n`);
    expect((await loadScenarioFile(ts)).blue).toEqual({ provider: 'embedded', version: '17' });
  });

  it('says which file is malformed, and refuses other extensions', async () => {
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'name: [unclosed\n');
    await expect(loadScenarioFile(broken)).rejects.toThrow(/broken\.yaml: not valid YAML/);
    const wrong = join(dir, 'wrong.yaml');
    await writeFile(wrong, 'name: x\nblue: { provider: embedded, version: "16" }\nsteps: [{ action: wait, duration: 1s }]\nsoak: { rate: fast }\n');
    await expect(loadScenarioFile(wrong)).rejects.toThrow(/wrong\.yaml: field "soak\.rate": .*got "fast"/);
    await expect(loadScenarioFile(join(dir, 'x.toml'))).rejects.toMatchObject({ code: 'usage' });
    await expect(loadScenarioFile(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'input' });
  });
});
