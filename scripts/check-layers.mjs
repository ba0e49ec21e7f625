#!/usr/bin/env node
// Fails when a top-level folder imports one above it (DESIGN.md, "Layout"): the layers read
// core → checks, load → validate → run → scenarios → reports → cli. Folders on the same layer
// (checks and load) do not import each other either. Usage: node scripts/check-layers.mjs [root]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const LAYERS = [['core'], ['checks', 'load'], ['validate'], ['run'], ['scenarios'], ['reports'], ['cli']];

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i])));

/** Every relative module specifier of a source file: static imports, re-exports, dynamic imports. */
export function specifiers(source) {
  const found = [];
  const patterns = [/\bfrom\s*['"](\.[^'"]+)['"]/g, /\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g, /^\s*import\s*['"](\.[^'"]+)['"]/gm];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The imports that break the layering, as `file: specifier (from → to)` lines. */
export function upwardImports(root) {
  const problems = [];
  for (const folder of rank.keys()) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        const target = relative(root, resolve(dirname(file), spec)).split(sep)[0];
        if (target === folder || !rank.has(target)) continue;
        const from = rank.get(folder);
        const to = rank.get(target);
        if (to > from) problems.push(`${relative(root, file)}: imports ${spec} (${folder} may not import ${target}, a layer above it)`);
        else if (to === from) problems.push(`${relative(root, file)}: imports ${spec} (${folder} and ${target} share a layer and stay apart)`);
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
  const problems = upwardImports(root);
  if (problems.length) {
    console.error(`layers: ${problems.length} import(s) against the layering (${LAYERS.map((l) => l.join(', ')).join(' → ')}):`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`layers: no folder imports one above it (${LAYERS.map((l) => l.join(', ')).join(' → ')})`);
}
