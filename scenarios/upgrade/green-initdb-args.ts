import type { Session } from '../../core/session.js';

/** What pg_upgrade insists the new cluster shares with the old one. */
export interface ClusterIdentity {
  dataChecksums: boolean;
  encoding: string;
  collate: string;
  ctype: string;
  /** `c` (libc), `i` (ICU) or `b` (builtin), from template0; `c` before PostgreSQL 15. */
  localeProvider: string;
  icuLocale?: string;
}

/** Reads blue's checksums, encoding and locale (template0's, which initdb wrote). */
export async function readClusterIdentity(admin: Session): Promise<ClusterIdentity> {
  const provider = admin.serverVersionNum >= 150_000 ? 'datlocprovider::text' : `'c'`;
  const icu = admin.serverVersionNum >= 170_000 ? 'datlocale' : admin.serverVersionNum >= 150_000 ? 'daticulocale' : 'NULL';
  const [row] = await admin.query<{ checksums: string; encoding: string; collate: string; ctype: string; provider: string; icu: string | null }>(
    `SELECT current_setting('data_checksums') AS checksums, pg_encoding_to_char(encoding) AS encoding,
            datcollate AS collate, datctype AS ctype, ${provider} AS provider, ${icu} AS icu
       FROM pg_database WHERE datname = 'template0'`,
  );
  return {
    dataChecksums: row?.checksums === 'on',
    encoding: row?.encoding ?? 'UTF8',
    collate: row?.collate ?? 'C',
    ctype: row?.ctype ?? 'C',
    localeProvider: row?.provider ?? 'c',
    ...(row?.icu ? { icuLocale: row.icu } : {}),
  };
}

/**
 * initdb arguments that make the new cluster pass pg_upgrade's checks against blue: the same
 * encoding and locale, and data checksums on or off as blue has them (PostgreSQL 18's initdb
 * turns them on by default; older ones off).
 */
export function greenInitdbArgs(blue: ClusterIdentity, targetMajor: number): string[] {
  const args = [`--encoding=${blue.encoding}`, `--lc-collate=${blue.collate}`, `--lc-ctype=${blue.ctype}`];
  if (blue.localeProvider === 'i' && blue.icuLocale) args.push('--locale-provider=icu', `--icu-locale=${blue.icuLocale}`);
  if (blue.localeProvider === 'b' && blue.icuLocale) args.push('--locale-provider=builtin', `--builtin-locale=${blue.icuLocale}`);
  if (blue.dataChecksums && targetMajor < 18) args.push('--data-checksums');
  if (!blue.dataChecksums && targetMajor >= 18) args.push('--no-data-checksums');
  return args;
}
