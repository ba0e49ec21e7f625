/**
 * The newest PostgreSQL major whose pg_upgrade rules cutover knows; the default target when the
 * configuration names none.
 */
export const NEWEST_KNOWN_MAJOR = 18;

/** The source (old) and target (new) majors of a planned pg_upgrade, e.g. 9.6 or 17. */
export interface VersionPair {
  source: number;
  target: number;
}

/**
 * A major version as a number that orders correctly across the 10.0 renumbering:
 * 90603 -> 9.6, 170010 -> 17.
 */
export function majorOf(versionNum: number): number {
  if (versionNum >= 100_000) return Math.floor(versionNum / 10_000);
  return Math.round((Math.floor(versionNum / 10_000) + (Math.floor(versionNum / 100) % 100) / 10) * 10) / 10;
}

/** `9.6` or `17`, as people write majors. */
export function formatMajor(major: number): string {
  return Number.isInteger(major) ? String(major) : major.toFixed(1);
}

/**
 * The Unicode version built into each major (`SELECT unicode_version()`), which pg_upgrade
 * compares to decide whether Unicode-dependent expressions may change meaning.
 */
export const UNICODE_VERSION_OF_MAJOR: Readonly<Record<number, string>> = { 17: '15.1', 18: '16.0' };
