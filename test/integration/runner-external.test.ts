import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cleanEnv, runCli } from '../support/run-cli.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import type { RunManifest } from '../../run/manifest.js';

let work: string;
let env: NodeJS.ProcessEnv;
let server: LocalServer;

/** Everything outside the soak's schema that a run could have changed. */
async function stateOutsideSoakSchema(): Promise<unknown> {
  await using db = await server.admin('shop');
  const relations = await db.query(
    `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'cutover') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2`,
  );
  const schemas = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname <> 'cutover' ORDER BY 1`);
  const databases = await db.query(`SELECT datname FROM pg_database ORDER BY 1`);
  const orders = await db.query(`SELECT count(*)::int AS n, md5(string_agg(id || ':' || note, ',' ORDER BY id)) AS digest FROM public.orders`);
  const roles = await db.query(`SELECT rolname FROM pg_roles ORDER BY 1`);
  return { relations, schemas, databases, orders, roles };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-runner-external-'));
  env = cleanEnv(work);
  server = await LocalServer.start({ version: '16', name: 'external' });
  {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE shop');
  }
  await using shop = await server.admin('shop');
  await shop.query(`CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int PRIMARY KEY);
    CREATE TABLE public.orders (id int PRIMARY KEY, note text); INSERT INTO public.orders SELECT g, 'order ' || g FROM generate_series(1, 500) g`);
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('cutover run against an external server', () => {
  it('provisions nothing, seeds nothing, and writes only to the soak schema', async () => {
    const before = await stateOutsideSoakSchema();
    const url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/shop`;
    const file = join(work, 'external.scenario.ts');
    // A TypeScript scenario file, loaded the way configuration files are (no build step).
    await writeFile(
      file,
      `import { defineScenario } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
export default defineScenario({
  name: 'watch-external',
  blue: { provider: 'external', url: ${JSON.stringify(url)} },
  soak: { rate: 30 },
  steps: [
    { action: 'wait', duration: '2s' },
    { action: 'command', run: 'echo "the operator switches over here"', timeout: '10s' },
  ],
});
`,
    );
    const runsDir = join(work, 'runs');
    const tmpBefore = readdirSync(tmpdir()).filter((d) => d.startsWith('cutover-blue-'));
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const [dir] = readdirSync(runsDir);
    const runDir = join(runsDir, dir as string);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(['pass', 'warn']).toContain(run.verdict);
    expect(run.steps.map((s) => s.status)).toEqual(['ok', 'ok']);
    expect(run.endpoints.blue).toMatchObject({ host: '127.0.0.1', port: server.port, database: 'shop', version: '16.14' });
    expect(run.soak?.summary).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    // 30/s through a 2 s wait and a command: about 60 attempts; more than 10 says the soak ran, with room for a loaded machine.
    expect(run.soak!.summary!.attempts).toBeGreaterThan(10);
    // Nothing provisioned, nothing seeded: no new data directory, no dataset, and only the soak schema changed.
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('cutover-blue-'))).toEqual(tmpBefore);
    expect(result.stderr).not.toMatch(/provision blue|dataset:/);
    expect(await stateOutsideSoakSchema()).toEqual(before);
    {
      await using db = await server.admin('shop');
      const soakTables = await db.query<{ relname: string }>(`SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'cutover' AND relkind = 'r'`);
      expect(soakTables.length).toBeGreaterThan(0);
    }
    // The server is the user's: still up after the run.
    {
      await using db = await server.admin('shop');
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    }
    // The URL's password never reaches the run directory.
    for (const f of readdirSync(runDir, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(server.password);
    }
  });
});
