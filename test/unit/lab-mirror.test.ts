import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = (name: string) => fileURLToPath(new URL(`../fixtures/apt-sources/${name}`, import.meta.url));

/**
 * Sources scripts/lab.sh (which then only defines its functions) and calls debian_mirror on the
 * given sources files, for a machine running `codename`. Returns its output, or null when it fails.
 */
function debianMirror(codename: string, ...files: string[]): string | null {
  try {
    return execFileSync('bash', ['-c', 'source scripts/lab.sh && OS_CODENAME="$1" && shift && debian_mirror "$@"', 'lab', codename, ...files], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    return null;
  }
}

describe('the lab takes its Debian mirror from the machine apt sources', () => {
  it('reads a deb822 .sources file: skips other suites, disabled paragraphs and non-http URIs, joins folded fields, drops the trailing slash', () => {
    expect(debianMirror('bookworm', fixtures('debian.sources'))).toBe('http://mirror.example/debian');
  });

  it('reads a one-line .list file: skips comments, other suites and [options]', () => {
    expect(debianMirror('bookworm', fixtures('one-line.list'))).toBe('http://mirror.example/debian');
  });

  it('takes the first file that has one, in the order given, and accepts a release alias', () => {
    expect(debianMirror('bookworm', fixtures('none.list'), fixtures('stable-alias.list'), fixtures('one-line.list'))).toBe('http://alias.example/debian');
  });

  it('fails when no source serves the machine release, so the lab asks for CUTOVER_LAB_DEBIAN_MIRROR', () => {
    expect(debianMirror('bookworm', fixtures('none.list'))).toBeNull();
    expect(debianMirror('trixie', fixtures('debian.sources'))).toBeNull();
  });
});
