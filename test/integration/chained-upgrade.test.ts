import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../checks/snapshot.js';
import type { RunManifest, StepRecord } from '../../run/manifest.js';
import { labBindir, labReady } from '../support/lab.js';
import { cleanEnv, runCli } from '../support/run-cli.js';

/**
 * Issue 18, item 5: one `cutover run` of the example scenario chains 15 -> 16 -> 17 -> 18 on the
 * lab's installations (Debian's 15 with pgvector, 16 from the PyPI wheel, 17 and 18 built from
 * source), the soak writing at 20/s through every hop. Each hop is a pg-upgrade row of its own,
 * pgvector's `ALTER EXTENSION … UPDATE` a row after it, the check suite a row between hops; the
 * ledger on 18 has lost nothing, and the HNSW and IVFFlat indexes over the dataset's embeddings
 * are valid on 18.
 */

const EXAMPLE = 'scenarios/examples/chained-15-to-18.scenario.mjs';
const ready = labReady(15, 16, 17, 18);

/** `16` of `16.14`. */
const major = (version: unknown) => Number(String(version).split('.')[0]);

describe.skipIf(!ready)(`chained upgrade through the CLI${ready ? '' : ' (skipped: the upgrade lab with 15, 16, 17 and 18 is not installed, run scripts/lab.sh)'}`, () => {
  it('15 -> 16 -> 17 -> 18 in one cutover run: three hop rows (four majors), an extension-update row after each, checks between hops, 0 lost', { timeout: 150_000 }, async () => {
    const home = await mkdtemp(join(tmpdir(), 'cutover-chained-'));
    try {
      // What a user of the lab types: lab.env's variables in the environment, then `cutover run FILE`.
      const env = cleanEnv(home, Object.fromEntries(([15, 16, 17, 18] as const).map((m) => [`CUTOVER_LAB_PG${m}_BINDIR`, labBindir(m)])));
      const started = Date.now();
      const r = await runCli(['run', EXAMPLE, '--runs-dir', join(home, 'runs')], { env });
      const runDir = /report: (.*)\/report\.html/.exec(r.stdout + r.stderr)?.[1];
      expect(runDir, r.stderr).toBeDefined();
      const manifest = JSON.parse(await readFile(join(runDir ?? '', 'run.json'), 'utf8')) as RunManifest;
      const rows = manifest.steps;
      console.log(
        `chained 15 -> 18 in ${Date.now() - started} ms (exit ${r.code}, verdict ${manifest.verdict}):\n` +
          rows.map((s) => `  ${s.name}: ${s.action} ${s.status} ${s.durationMs} ms, downtime ${s.downtimeMs} ms, lost ${s.lost}`).join('\n'),
      );
      expect(r.code, r.stderr).toBe(0);
      expect(manifest.error, r.stderr).toBeUndefined();
      expect(['pass', 'warn']).toContain(manifest.verdict);

      // The step table: hop, pgvector update, checks; hop, update, checks; hop, update (the post-checks follow).
      expect(rows.map((s) => s.action)).toEqual(['pg-upgrade', 'extension-update', 'check', 'pg-upgrade', 'extension-update', 'check', 'pg-upgrade', 'extension-update']);
      expect(rows.every((s) => s.status === 'ok')).toBe(true);
      const hops = rows.filter((s) => s.action === 'pg-upgrade');
      const details = (s: StepRecord | undefined) => (s?.details ?? {}) as Record<string, unknown>;
      // Four majors along three hops, each hop starting where the last one ended.
      const versions = [details(hops[0]).from, ...hops.map((h) => details(h).to)];
      expect(versions.map(major)).toEqual([15, 16, 17, 18]);
      hops.forEach((h, i) => {
        if (i > 0) expect(details(h).from).toBe(details(hops[i - 1]).to);
        expect(details(h).role).toBe(`pg${16 + i}`);
        expect(h.name).toBe(`pg_upgrade to ${16 + i}`);
        // The soak saw each hop (blue stopped, the new major started on its port) and lost nothing.
        expect(h.downtimeMs).toBeGreaterThan(0);
        expect(h.lost).toBe(0);
        expect(h.unexpected).toBe(0);
      });
      // Every server of the chain is in the run's endpoints, on blue's port; the writer is 18.
      expect(manifest.endpoints.writer?.version).toBe(details(hops[2]).to);
      expect(['pg16', 'pg17', 'pg18'].map((role) => manifest.endpoints[role]?.port)).toEqual([1, 2, 3].map(() => manifest.endpoints.blue?.port));

      // pgvector carried through each hop: ALTER EXTENSION vector UPDATE on the hop's new server,
      // before and after read from the catalog (the lab has pgvector 0.8.0 everywhere: a no-op, recorded as such).
      const updates = rows.filter((s) => s.action === 'extension-update');
      updates.forEach((u, i) => {
        expect(u.name).toBe(`pgvector on ${16 + i}`);
        expect(details(u).server).toBe(details(hops[i]).to);
        const ext = details(u).extensions as { database: string; extension: string; before: string; after: string; outcome: string }[];
        expect(ext.map((e) => [e.database, e.extension])).toEqual([['app', 'vector']]);
        expect(ext[0]?.after).toMatch(/^\d+\.\d+\.\d+$/);
        expect(ext[0]?.outcome).toBe(ext[0]?.before === ext[0]?.after ? 'already-current' : 'updated');
      });

      // The checks between hops: the suite on 16 and on 17, each snapshot kept in its step's directory.
      const checks = rows.filter((s) => s.action === 'check');
      for (const [i, c] of checks.entries()) {
        expect(details(c).server).toBe(details(hops[i]).to);
        expect((details(c).checks as { ok: number; error: number }).ok).toBeGreaterThan(0);
        expect((details(c).checks as { ok: number; error: number }).error).toBe(0);
        const snapshot = await readSnapshot(join(runDir ?? '', String(details(c).snapshot)));
        expect(snapshot.server.major).toBe(16 + i);
        expect(snapshot.checks['extensions.pgvector']?.status).toBe('ok');
        // What the hop changed: this snapshot against the one before it (the pre-checks', then the previous check's).
        const diff = details(c).diff as { against: string; findings: string; fail: number; warn: number; verdict: string };
        expect(diff.against).toBe(i === 0 ? 'pre.snapshot.json' : String(details(checks[i - 1]).snapshot));
        expect(existsSync(join(runDir ?? '', diff.findings))).toBe(true);
        console.log(`checks on ${String(details(c).server)}: since ${diff.against}: ${diff.fail} fail, ${diff.warn} warn (${diff.verdict})`);
        expect(diff.fail).toBe(0);
      }

      // The ledger, verified on 18: nothing acknowledged was lost.
      expect(manifest.soak?.summary?.lost).toBe(0);
      expect(manifest.soak?.summary?.unexpected).toBe(0);
      expect(manifest.soak?.summary?.confirmed).toBeGreaterThan(0);
      // The dataset's embeddings came through: their HNSW and IVFFlat indexes are valid on 18.
      const post = await readSnapshot(join(runDir ?? '', 'post.snapshot.json'));
      expect(post.server.major).toBe(18);
      const pgvector = post.checks['extensions.pgvector']?.data as { databases: { indexes: { method: string; valid: boolean; ready: boolean }[] }[] } | undefined;
      const indexes = (pgvector?.databases ?? []).flatMap((d) => d.indexes);
      expect(indexes.map((i) => i.method).sort()).toEqual(['hnsw', 'ivfflat']);
      expect(indexes.every((i) => i.valid && i.ready)).toBe(true);
      expect(existsSync(join(runDir ?? '', 'report.html'))).toBe(true);
      // The step table names what each row did.
      const summary = await readFile(join(runDir ?? '', 'summary.md'), 'utf8');
      for (const [i, h] of hops.entries()) expect(summary).toContain(`PostgreSQL ${String(details(h).from)} → ${String(details(h).to)} (now pg${16 + i})`);
      expect(summary).toContain(`checks on ${String(details(hops[0]).to)}: `);
      expect(summary).toMatch(/app: vector \d+\.\d+\.\d+/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
