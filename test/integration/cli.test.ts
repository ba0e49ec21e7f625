import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer, freePort } from '../../scenarios/providers/index.js';
import { CLI, ROOT, cleanEnv, runCli, type CliResult } from '../support/run-cli.js';
import { waitFor } from '../support/lab.js';

const run = promisify(execFile);
const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'snapshots', name);
const PRE = fixture('pre.snapshot.json');
const POST = fixture('post.snapshot.json');

let work: string;
let env: NodeJS.ProcessEnv;
const cli = (args: string[], cwd?: string) => runCli(args, { env, cwd: cwd ?? work });

/** One clear line on stderr, nothing else. */
function expectOneLine(result: CliResult, pattern: RegExp): void {
  expect(result.errLines, result.stderr).toHaveLength(1);
  expect(result.errLines[0]).toMatch(/^cutover: /);
  expect(result.errLines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

beforeAll(async () => {
  // The tests run what users run: the compiled CLI (built once by test/support/build-once.ts).
  work = await mkdtemp(join(tmpdir(), 'cutover-cli-test-'));
  env = cleanEnv(work);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the bin', () => {
  it('`npx cutover --help` lists the commands', async () => {
    // A private npm cache: npx installs the local package there (running `prepare`) the first time.
    const { stdout } = await run('npx', ['--yes', 'cutover', '--help'], {
      cwd: ROOT,
      env: { ...env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/Usage: cutover/);
    expect(stdout).toMatch(/^\s+check\b/m);
    expect(stdout).toMatch(/^\s+diff\b/m);
  }, 300_000);

  it('starts with a node shebang', async () => {
    expect((await readFile(CLI, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('`check --help` says that check does not gate', async () => {
    const r = await cli(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/does not gate/);
  });
});

describe('usage and input errors exit 2 with one line', () => {
  it('unknown option', async () => {
    const r = await cli(['check', '--bogus']);
    expect(r.code).toBe(2);
    expectOneLine(r, /unknown option '--bogus'/);
  });

  it('missing argument', async () => {
    const r = await cli(['diff', PRE]);
    expect(r.code).toBe(2);
    expectOneLine(r, /missing required argument 'post'/);
  });

  it('bad URI', async () => {
    const r = await cli(['check', '--db', 'postgresql://app@db.example:notaport/app']);
    expect(r.code).toBe(2);
    expectOneLine(r, /expected a port number from 1 to 65535, got "notaport"/);
  });

  it('invalid config file given with --config, naming the option', async () => {
    const file = join(work, 'bad-gate.json');
    await writeFile(file, JSON.stringify({ gate: { failOn: ['fatal'] } }));
    const r = await cli(['diff', PRE, POST, '--config', file]);
    expect(r.code).toBe(2);
    expectOneLine(r, /gate\.failOn/);
  });

  it('invalid config file found in the working directory', async () => {
    const dir = await mkdtemp(join(work, 'cwd-'));
    await writeFile(join(dir, 'cutover.config.yaml'), 'checks:\n  exactCounts:\n    concurrency: lots\n');
    const r = await cli(['diff', PRE, POST], dir);
    expect(r.code).toBe(2);
    expectOneLine(r, /checks\.exactCounts\.concurrency/);
  });

  it('a snapshot of another schema version', async () => {
    const r = await cli(['diff', fixture('other-schema-version.snapshot.json'), POST]);
    expect(r.code).toBe(2);
    expectOneLine(r, /schema version 999 is not supported \(expected 1\)/);
  });

  it('an unreadable snapshot', async () => {
    const r = await cli(['diff', join(work, 'missing.snapshot.json'), POST]);
    expect(r.code).toBe(2);
    expectOneLine(r, /missing\.snapshot\.json: cannot read snapshot \(ENOENT\)/);
  });

  it('a malformed snapshot', async () => {
    const r = await cli(['diff', fixture('truncated.snapshot.json'), POST]);
    expect(r.code).toBe(2);
    expectOneLine(r, /not a snapshot: invalid JSON/);
  });

  it('an output directory that does not exist, found before connecting', async () => {
    // The port has nothing listening: a 2 (not a 3) proves validation came first.
    const port = await freePort();
    const r = await cli(['check', '--db', `postgresql://postgres@127.0.0.1:${port}/postgres`, '--out', join(work, 'nope', 'pre.json')]);
    expect(r.code).toBe(2);
    expectOneLine(r, /--out .*directory .* does not exist/);
  });
});

describe('the gate through diff', () => {
  it('fails (1) on the fixtures and writes every report', async () => {
    const out = (name: string) => join(work, name);
    const r = await cli(['diff', PRE, POST, '--json', out('findings.json'), '--junit', out('junit.xml'), '--md', out('summary.md'), '--html', out('report.html')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL extensions\/missing:app:vector/);
    expect(r.stdout).toMatch(/FAIL roles\/missing:reporting/);
    expect(r.stdout).toMatch(/^verdict: FAIL$/m);
    expect(r.stdout).not.toContain("\u001b["); // no colours when not a terminal
    const json = JSON.parse(await readFile(out('findings.json'), 'utf8')) as { verdict: string; summary: { failing: number } };
    expect(json.verdict).toBe('fail');
    expect(json.summary.failing).toBeGreaterThanOrEqual(5);
    expect(await readFile(out('junit.xml'), 'utf8')).toMatch(/<testsuite name="cutover"/);
    expect(await readFile(out('summary.md'), 'utf8')).toMatch(/^## cutover: FAIL/);
    expect(await readFile(out('report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('passes (0) on a snapshot compared with itself', async () => {
    const r = await cli(['diff', PRE, PRE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verdict: PASS$/m);
  });

  it('passes (0) with a warning when the config allows the failing findings', async () => {
    const file = join(work, 'allow.yaml');
    await writeFile(file, 'gate:\n  allow: ["extensions/*", "roles/*", "rows/*", "schema/*", "explain.baselines/*"]\n');
    const r = await cli(['diff', PRE, POST, '--config', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verdict: WARN$/m);
  });
});

describe('connections', () => {
  let server: LocalServer;
  let url: string;

  beforeAll(async () => {
    server = await LocalServer.start({ version: '16', name: 'cli-test' });
    url = `postgresql://postgres:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/postgres`;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('an unreachable host exits 3', async () => {
    const port = await freePort();
    const r = await cli(['check', '--db', `postgresql://postgres@127.0.0.1:${port}/postgres`, '--out', join(work, 'x.json')]);
    expect(r.code).toBe(3);
    expectOneLine(r, new RegExp(`cannot connect to postgres@127\\.0\\.0\\.1:${port}/postgres`));
  });

  it('a wrong password exits 3, names user@host and does not echo the password', async () => {
    const secret = 'Wr0ng-S3cret-Passw0rd';
    const r = await cli(['check', '--db', `postgresql://postgres:${secret}@127.0.0.1:${server.port}/postgres`, '--out', join(work, 'x.json')]);
    expect(r.code).toBe(3);
    expectOneLine(r, new RegExp(`postgres@127\\.0\\.0\\.1:${server.port}`));
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('check writes a snapshot, and diff of it against itself passes', async () => {
    const snapshot = join(work, 'pre.snapshot.json');
    const r = await cli(['check', '--db', url, '--out', snapshot]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pre suite on postgres@127\.0\.0\.1:\d+\/postgres: PostgreSQL 16\./m);
    expect(r.stdout).toMatch(/^checks: \d+ ok, \d+ skipped, 0 error/m);
    expect(r.stdout).toContain(`snapshot: ${snapshot}`);
    expect(r.stderr).toMatch(/^\s+ok\s+server\b/m); // progress on stderr
    const text = await readFile(snapshot, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ kind: 'cutover.snapshot', suite: 'pre' });
    expect(text).not.toContain(server.password);

    const d = await cli(['diff', snapshot, snapshot]);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout).toMatch(/^verdict: (PASS|WARN)$/m);
  });

  it('check --json --gate prints one JSON object, and writes the default ./<suite>.snapshot.json', async () => {
    const dir = await mkdtemp(join(work, 'json-'));
    const r = await cli(['check', '--db', url, '--suite', 'post', '--json', '--gate'], dir);
    const summary = JSON.parse(r.stdout) as { snapshot: string; suite: string; checks: { ok: number }; server: { major: number }; verdict: string };
    expect(r.code, r.stderr).toBe(summary.verdict === 'fail' ? 1 : 0);
    expect(summary).toMatchObject({ snapshot: './post.snapshot.json', suite: 'post', server: { major: 16 } });
    expect(['pass', 'warn', 'fail']).toContain(summary.verdict);
    expect(summary.checks.ok).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(dir, 'post.snapshot.json'), 'utf8'))).toMatchObject({ suite: 'post' });
  });
});

describe('interruption', () => {
  let silent: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: the CLI waits in its connection attempt.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('SIGINT exits 130 with one line, at once even while connecting (no wait for the connect timeout)', async () => {
    let signalledAt = 0;
    const r = await runCli(['check', '--db', `postgresql://postgres:x@127.0.0.1:${port}/postgres`, '--out', join(work, 'x.json')], {
      env,
      cwd: work,
      onSpawn: (child) => {
        void waitFor(() => Promise.resolve(sockets.length > 0), 'the CLI to connect', 20_000).then(() => {
          signalledAt = performance.now();
          child.kill('SIGINT');
        });
      },
    });
    const exitedAfterMs = performance.now() - signalledAt;
    expect(r.code).toBe(130);
    // The connection attempt is cut at once; before, the CLI sat out the 10 s connect timeout.
    expect(exitedAfterMs).toBeLessThan(5_000);
    expectOneLine(r, /interrupted \(SIGINT\)/);
  });
});
