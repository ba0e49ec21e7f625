import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scenarios/providers/free-port.js';
import { clearForeignAttributeOptions } from '../support/upgrade-fixtures.js';
import { TEST_IMAGES, TestContainer, connectWhenReady, dockerReady, dockerRun, imageLabel, imagesReady, testVolume } from '../support/docker.js';

/**
 * The images scripts/images.sh builds locally (no registry is reachable in the lab) keep the
 * official postgres image's promises: an initialised cluster on first start with the password
 * checked, the server's options after the image, the full version and pgvector where promised;
 * and the upgrade image carries a 15 volume to 17.11 with pg_upgrade --link.
 */

const engine = await dockerReady();
const missing = engine ? await imagesReady() : [];
const why = !engine ? 'needs a Docker engine: scripts/docker.sh' : missing.length ? `needs the test images: scripts/images.sh (missing ${missing.join(', ')})` : '';
const PASSWORD = 'images-test-secret';

/** The server's options `docker run IMAGE postgres …` passes, on a loopback port of the host. */
function serverArgs(port: number): string[] {
  return ['postgres', '-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1'];
}

const servers = [
  { image: TEST_IMAGES.pg15, version: TEST_IMAGES.pg15Version, vector: true },
  { image: `postgres:${TEST_IMAGES.pg15Version}`, version: TEST_IMAGES.pg15Version, vector: true },
  { image: TEST_IMAGES.pg17, version: TEST_IMAGES.pg17Version, vector: true },
  { image: TEST_IMAGES.pgvector17, version: TEST_IMAGES.pg17Version, vector: true },
  { image: TEST_IMAGES.pg17old, version: TEST_IMAGES.pg17oldVersion, vector: false },
];

describe.skipIf(why !== '')(`locally built PostgreSQL images${why ? ` (${why})` : ''}`, () => {
  for (const s of servers) {
    it(`${s.image} initialises PGDATA as uid 999, serves ${s.version} with the password checked${s.vector ? `, and has pgvector ${TEST_IMAGES.vectorVersion}` : ', without pgvector'}`, { timeout: 90_000 }, async () => {
      expect(await imageLabel(s.image, 'org.opencontainers.image.version')).toBe(s.version);
      expect(await imageLabel(s.image, 'cutover.extensions')).toBe(s.vector ? `vector ${TEST_IMAGES.vectorVersion}` : '');
      const port = await freePort();
      await using container = await TestContainer.start(s.image, { env: { POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: 'app' }, command: serverArgs(port) });
      const client = await connectWhenReady(container, { host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'app' });
      try {
        const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
        // Debian's build adds its package version: "15.20 (Debian 15.20-0+deb12u1)".
        expect(rows[0]?.server_version.split(' ')[0]).toBe(s.version);
        if (s.vector) {
          await client.query('CREATE EXTENSION vector');
          const v = await client.query<{ extversion: string; d: number }>(`SELECT extversion, '[1,2,3]'::vector <-> '[1,2,4]'::vector AS d FROM pg_extension WHERE extname = 'vector'`);
          expect(v.rows[0]).toEqual({ extversion: TEST_IMAGES.vectorVersion, d: 1 });
        } else {
          await expect(client.query('CREATE EXTENSION vector')).rejects.toMatchObject({ code: '0A000' });
        }
      } finally {
        await client.end();
      }
      // Loopback is checked too: with host networking every client is on loopback.
      const wrong = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'not-the-password', database: 'app' });
      await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
      await wrong.end().catch(() => {});
      expect(await container.exec(['stat', '-c', '%u %a', '/var/lib/postgresql/data'])).toBe('999 700');
    });
  }

  it(`${TEST_IMAGES.pg17} refuses to initialise without POSTGRES_PASSWORD, saying so`, async () => {
    const r = await dockerRun(['run', '--rm', '--network', 'none', TEST_IMAGES.pg17]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/superuser password is not specified/);
  });

  it(`${TEST_IMAGES.upgrade} upgrades a volume initialised by ${TEST_IMAGES.pg15} with --link; ${TEST_IMAGES.pg17} then serves its rows and pgvector`, { timeout: 180_000 }, async () => {
    expect(await imageLabel(TEST_IMAGES.upgrade, 'org.opencontainers.image.version')).toBe(`${TEST_IMAGES.pg15Version}-to-${TEST_IMAGES.pg17Version}`);
    // One volume over /var/lib/postgresql holds both data directories (one filesystem, as --link needs).
    await using volume = await testVolume();
    const mount = `${volume.name}:/var/lib/postgresql`;
    const connection = { host: '127.0.0.1', user: 'postgres', password: PASSWORD, database: 'app' };
    {
      const port = await freePort();
      await using old = await TestContainer.start(TEST_IMAGES.pg15, { env: { POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: 'app', PGDATA: '/var/lib/postgresql/15/data' }, volumes: [mount], command: serverArgs(port) });
      const client = await connectWhenReady(old, { ...connection, port });
      try {
        await client.query('CREATE EXTENSION vector');
        await client.query(`CREATE TABLE docs (id int PRIMARY KEY, body text, embedding vector(3))`);
        await client.query(`INSERT INTO docs VALUES (1, 'kept across the upgrade', '[1,2,3]')`);
        // Debian's 15.20 marks every column with pg_attver, which 17's restore refuses (README,
        // "The upgrade lab"): remove it, as the rehearsals do on their own datasets.
        await clearForeignAttributeOptions({ query: async (sql, params) => (await client.query(sql, params)).rows });
      } finally {
        await client.end();
      }
      // STOPSIGNAL SIGINT: a fast shutdown, so the cluster is shut down cleanly, as pg_upgrade requires.
      expect(await old.stop()).toBe(0);
    }
    const upgrade = await dockerRun(['run', '--rm', '--network', 'none', '-v', mount, '-e', 'POSTGRES_UPGRADE_MODE=link', TEST_IMAGES.upgrade], 150_000);
    expect(upgrade.code, `${upgrade.stdout}${upgrade.stderr}`).toBe(0);
    expect(upgrade.stdout).toMatch(/Upgrade Complete/);
    expect(upgrade.stdout).toMatch(/upgrade complete: \/var\/lib\/postgresql\/15\/data \(15\) -> \/var\/lib\/postgresql\/17\/data \(17\)/);

    const port = await freePort();
    // No POSTGRES_PASSWORD: PGDATA holds a cluster, so nothing is initialised; the password is the old cluster's.
    await using green = await TestContainer.start(TEST_IMAGES.pg17, { env: { PGDATA: '/var/lib/postgresql/17/data' }, volumes: [mount], command: serverArgs(port) });
    const client = await connectWhenReady(green, { ...connection, port });
    try {
      const version = await client.query<{ server_version: string }>('SHOW server_version');
      expect(version.rows[0]?.server_version).toBe(TEST_IMAGES.pg17Version);
      const row = await client.query(`SELECT id, body, embedding <-> '[1,2,4]' AS d, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS v FROM docs`);
      expect(row.rows).toEqual([{ id: 1, body: 'kept across the upgrade', d: 1, v: TEST_IMAGES.vectorVersion }]);
    } finally {
      await client.end();
    }
  });
});
