import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-cli.js';

/**
 * Issue 13: the soak's pool built a node-postgres client from the first TLS attempt alone, so
 * `sslmode=prefer` (libpq's default) never fell back to a plain connection and every attempt
 * against a server without TLS failed. The class of defect is a connection opened anywhere but
 * `connectClient`, which applies libpq's semantics. This test (and the eslint rule of the same
 * purpose) keeps it closed: outside core/connect-client.ts no code outside test/ constructs a
 * pg.Client or pg.Pool or builds a client configuration of its own.
 */

const THE_ONE_FILE = 'core/connect-client.ts';
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test', 'runs', 'coverage', '.scratch', '.git', 'docs']);

const FORBIDDEN: [RegExp, string][] = [
  [/new\s+pg\s*\.\s*(Client|Pool)\b/, 'constructs a node-postgres client or pool'],
  [/new\s+(Client|Pool)\s*\(/, 'constructs a node-postgres client or pool'],
  [/\bimport\s*\{[^}]*\b(Client|Pool)\b[^}]*\}\s*from\s*'pg'/, 'imports Client or Pool from pg'],
  [/\btoClientConfig\s*\(/, 'builds the configuration of one TLS attempt'],
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) out.push(...sourceFiles(join(dir, entry.name)));
    } else if (/\.(ts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(relative(ROOT, join(dir, entry.name)));
    }
  }
  return out;
}

describe('one path opens connections (issue 13)', () => {
  it('finds the source files it guards', () => {
    const files = sourceFiles(ROOT);
    expect(files).toContain(THE_ONE_FILE);
    expect(files).toContain('load/driver/connection-pool.ts');
    expect(files).toContain('load/probe-lane.ts');
  });

  it('no code but core/connect-client.ts opens a node-postgres connection', () => {
    const offences: string[] = [];
    for (const file of sourceFiles(ROOT)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [pattern, what] of FORBIDDEN) {
        if (file === THE_ONE_FILE) continue;
        // client-config.ts defines toClientConfig; only connect-client.ts may call it.
        if (file === 'core/client-config.ts' && what.startsWith('builds')) continue;
        const line = text.split('\n').findIndex((l) => pattern.test(l) && !/^\s*(\*|\/\/)/.test(l));
        if (line >= 0) offences.push(`${file}:${line + 1} ${what}; open connections with connectClient (core/connect-client.ts)`);
      }
    }
    expect(offences).toEqual([]);
  });
});
