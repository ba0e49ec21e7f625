import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../run/manifest.js';
import { provisionCluster } from '../../scenarios/topology/provision.js';
import { CUTOVER_LABELS } from '../../scenarios/providers/container-labels.js';
import { dockerReady, imagesReady, TEST_IMAGES } from '../support/docker.js';
import { waitFor } from '../support/lab.js';
import { cleanEnv, runCli } from '../support/run-cli.js';

/**
 * The container provider on a real Docker engine (scripts/docker.sh) with images built locally
 * (scripts/images.sh: no registry is reachable here): provisioning, an image swap with a soak, a
 * logical blue/green between containers, the clear errors where Docker or an image is missing,
 * and the leftovers of a killed cutover removed by the next run. Without an engine, only the
 * no-engine error runs; the others skip, saying why.
 */

const engine = await dockerReady();
const missing = engine ? await imagesReady() : [];
const why = !engine ? 'needs a Docker engine: scripts/docker.sh' : missing.length ? `needs the test images: scripts/images.sh (missing ${missing.join(', ')})` : '';

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-containers-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function runOf(runsDir: string): RunManifest {
  const [name] = readdirSync(runsDir);
  return JSON.parse(readFileSync(join(runsDir, name as string, 'run.json'), 'utf8')) as RunManifest;
}

function labelled(kind: 'ps' | 'volume'): string[] {
  const args = kind === 'ps' ? ['ps', '-a', '--filter', `label=${CUTOVER_LABELS.managed}=true`, '--format', '{{.Names}}'] : ['volume', 'ls', '--filter', `label=${CUTOVER_LABELS.managed}=true`, '--format', '{{.Name}}'];
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('container provider without a Docker engine', () => {
  it.each([
    ['no socket at all', (path: string) => path, /no such socket/],
    // A daemon killed leaves its socket file behind, nothing listening on it.
    ['the daemon down (a stale socket)', (path: string) => {
      execFileSync('python3', ['-c', 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()', path]);
      return path;
    }, /nothing listens there \(the daemon is down\)/],
  ])('%s: says so naming DOCKER_HOST and how to fix it, exit 3, before any run directory exists', async (what, make, reason) => {
    const runsDir = join(work, `no-engine-${what.length}`);
    const socket = make(join(work, `docker-${what.length}.sock`));
    const r = await runCli(['rehearse', '--from-image', 'postgres:17.11', '--to-image', 'postgres:17.10', '--runs-dir', runsDir], { env: { ...env, DOCKER_HOST: `unix://${socket}` }, cwd: work });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Docker: no engine answers at DOCKER_HOST=unix:\/\/.*docker-\d+\.sock: /);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toMatch(/start it \(systemctl start docker, or dockerd\)/);
    // The library's stack never reaches the user.
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(runsDir)).toBe(false);
  });
});

describe.skipIf(why !== '')(`container provider on a real Docker engine${why ? ` (skipped: ${why})` : ''}`, () => {
  it('an image the engine lacks and cannot pull: exit 3 naming the image and what to do', async () => {
    const r = await runCli(['rehearse', '--from-image', 'cutover-test/no-such-image:1', '--to-image', TEST_IMAGES.pg17, '--runs-dir', join(work, 'no-image')], { env, cwd: work });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/image cutover-test\/no-such-image:1: not present on the Docker engine and it cannot be pulled .*build or load it first/);
  });

  it('provisions a container: the server itself ready, its version and the extensions of its image, removed with its volume', async () => {
    const cluster = await provisionCluster('blue', { provider: 'container', image: TEST_IMAGES.pgvector17 }, { database: 'app', log: () => {} });
    try {
      expect(cluster.provider).toBe('container');
      expect(cluster.version).toBe(TEST_IMAGES.pg17Version);
      expect(cluster.major).toBe(17);
      expect((cluster as { extensions?: { name: string }[] }).extensions?.map((e) => e.name)).toContain('vector');
      await using app = await cluster.admin();
      await app.query('CREATE EXTENSION vector');
      expect(await app.query(`SELECT current_setting('wal_level') AS w`)).toEqual([{ w: 'logical' }]);
      expect(labelled('ps').length).toBeGreaterThan(0);
    } finally {
      await cluster.close();
    }
    expect(labelled('ps')).toEqual([]);
    expect(labelled('volume')).toEqual([]);
  });

  it('rehearses an image swap 17.10 -> 17.11 with a soak: downtime measured, nothing lost, the data kept on the volume', async () => {
    const runsDir = join(work, 'swap');
    const r = await runCli(['rehearse', '--from-image', TEST_IMAGES.pg17old, '--to-image', TEST_IMAGES.pg17, '--duration', '4s', '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const run = runOf(runsDir);
    expect(run.method).toBe('image-swap');
    expect(run.steps.map((s) => s.action)).toEqual(['wait', 'image-swap', 'wait']);
    const swap = run.steps[1];
    expect(swap).toMatchObject({ status: 'ok', lost: 0, unexpected: 0, duplicated: 0, details: { fromImage: TEST_IMAGES.pg17old, toImage: TEST_IMAGES.pg17, to: TEST_IMAGES.pg17Version } });
    // The container stopped: clients saw it.
    expect(swap?.downtimeMs).toBeGreaterThan(0);
    expect(run.endpoints.writer).toMatchObject({ image: TEST_IMAGES.pg17, version: TEST_IMAGES.pg17Version });
    // The seeded rows came through the swap: the post-checks counted them on the new image.
    const html = readFileSync(join(runsDir, readdirSync(runsDir)[0] as string, 'report.html'), 'utf8');
    expect(html).toContain(`image <code>${TEST_IMAGES.pg17}</code>`);
    expect(labelled('ps')).toEqual([]);
  });

  it('rehearses a logical blue/green from a 15 container to a pgvector 17 container', async () => {
    const runsDir = join(work, 'logical');
    const r = await runCli(['rehearse', '--method', 'logical', '--from-image', TEST_IMAGES.pg15, '--to-image', TEST_IMAGES.pgvector17, '--duration', '2s', '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const run = runOf(runsDir);
    expect(run.steps.map((s) => s.action)).toEqual(['wait', 'logical-bluegreen', 'wait']);
    expect(run.steps[1]).toMatchObject({ status: 'ok', lost: 0, unexpected: 0, duplicated: 0 });
    expect(run.endpoints.writer).toMatchObject({ image: TEST_IMAGES.pgvector17, version: TEST_IMAGES.pg17Version });
    expect(run.data?.[0]?.result.outcome).toBe('equal');
  });

  it('rehearses a dump and restore from a 15 container into a 17 container', async () => {
    const runsDir = join(work, 'dump-restore');
    const r = await runCli(['rehearse', '--method', 'dump-restore', '--from-image', TEST_IMAGES.pg15, '--to-image', TEST_IMAGES.pg17, '--duration', '2s', '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const run = runOf(runsDir);
    expect(run.steps.map((s) => s.action)).toEqual(['wait', 'dump-restore', 'wait']);
    expect(run.steps[1]).toMatchObject({ status: 'ok', lost: 0, unexpected: 0, duplicated: 0 });
    expect(run.endpoints.writer).toMatchObject({ image: TEST_IMAGES.pg17, version: TEST_IMAGES.pg17Version });
    expect(run.data?.[0]?.result.outcome).toBe('equal');
  });

  it('rehearses pg_upgrade --link 15 -> 17 between images sharing the volume, pgvector in both', async () => {
    const runsDir = join(work, 'pg-upgrade');
    const r = await runCli(
      ['rehearse', '--method', 'pg-upgrade', '--from-image', TEST_IMAGES.pg15, '--to-image', TEST_IMAGES.pgvector17, '--upgrade-image', TEST_IMAGES.upgrade, '--duration', '2s', '--runs-dir', runsDir],
      { env, cwd: work },
    );
    expect(r.code, r.stderr).toBe(0);
    const run = runOf(runsDir);
    expect(run.steps.map((s) => s.action)).toEqual(['wait', 'pg-upgrade', 'wait']);
    expect(run.steps[1]).toMatchObject({
      status: 'ok',
      lost: 0,
      unexpected: 0,
      duplicated: 0,
      details: { mode: 'link', from: TEST_IMAGES.pg15Version, to: TEST_IMAGES.pg17Version, upgradeImage: TEST_IMAGES.upgrade, fromImage: TEST_IMAGES.pg15, toImage: TEST_IMAGES.pgvector17 },
    });
    expect(run.steps[1]?.downtimeMs).toBeGreaterThan(0);
    expect(run.endpoints.writer).toMatchObject({ image: TEST_IMAGES.pgvector17, version: TEST_IMAGES.pg17Version });
    expect(run.endpoints.writer?.extensions).toContain(`vector ${TEST_IMAGES.vectorVersion}`);
    // The seeded embeddings came through pg_upgrade: the post-checks found the extension in use on green.
    const post = JSON.parse(readFileSync(join(runsDir, readdirSync(runsDir)[0] as string, 'post.snapshot.json'), 'utf8')) as { checks: Record<string, { data?: unknown }> };
    expect(JSON.stringify(post.checks['server.extensions'] ?? post.checks)).toContain('"vector"');
    expect(labelled('ps')).toEqual([]);
    expect(labelled('volume')).toEqual([]);
  });

  it('after a SIGKILL of cutover mid-rehearsal, the next run removes the containers and volume it left', async () => {
    const runsDir = join(work, 'killed');
    let child: ChildProcess | undefined;
    const killed = runCli(['rehearse', '--from-image', TEST_IMAGES.pg17old, '--to-image', TEST_IMAGES.pg17, '--duration', '60s', '--runs-dir', runsDir], { env, cwd: work, onSpawn: (c) => void (child = c) });
    // Killed once blue's container runs (run.json names its image).
    await waitFor(async () => existsSync(runsDir) && readdirSync(runsDir).length > 0 && runOf(runsDir).endpoints.blue?.image !== undefined, 'blue container provisioned', 60_000);
    child?.kill('SIGKILL');
    await killed;
    expect(labelled('ps').length).toBeGreaterThan(0);
    expect(labelled('volume').length).toBeGreaterThan(0);
    const next = await runCli(['rehearse', '--from-image', TEST_IMAGES.pg17old, '--to-image', TEST_IMAGES.pg17, '--duration', '0', '--runs-dir', join(work, 'next')], { env, cwd: work });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/removed what an earlier cutover left behind: container .*volume cutover-blue-/);
    expect(labelled('ps')).toEqual([]);
    expect(labelled('volume')).toEqual([]);
  });
});
