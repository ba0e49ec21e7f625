/**
 * The libpq connection keywords cutover understands. A connection string copied from psql or a
 * runbook may carry any libpq keyword: the ones cutover uses are resolved, the harmless rest are
 * ignored, and the ones that would change which server is reached or what is guaranteed about
 * the connection are refused rather than silently dropped.
 */
export const USED_KEYWORDS = [
  'host',
  'port',
  'dbname',
  'user',
  'password',
  'passfile',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'connect_timeout',
  'target_session_attrs',
  'load_balance_hosts',
] as const;

export type UsedKeyword = (typeof USED_KEYWORDS)[number];

/** What to do with a keyword cutover does not use, given its value. */
export type KeywordTreatment = 'ignore' | 'warn' | 'reject';

const always =
  (treatment: KeywordTreatment) =>
  (): KeywordTreatment =>
    treatment;
const rejectWhen =
  (...values: string[]) =>
  (value: string): KeywordTreatment =>
    values.includes(value) ? 'reject' : 'ignore';

const OTHER_KEYWORDS: Record<string, (value: string) => KeywordTreatment> = {
  // cutover names its own sessions (`application_name=cutover`) so they can be told apart.
  application_name: always('ignore'),
  fallback_application_name: always('ignore'),
  client_encoding: always('ignore'),
  keepalives: always('ignore'),
  keepalives_idle: always('ignore'),
  keepalives_interval: always('ignore'),
  keepalives_count: always('ignore'),
  tcp_user_timeout: always('ignore'),
  sslcompression: always('ignore'),
  sslsni: always('ignore'),
  krbsrvname: always('ignore'),
  gsslib: always('ignore'),
  gssdelegation: always('ignore'),
  min_protocol_version: always('ignore'),
  max_protocol_version: always('ignore'),
  options: always('warn'),
  sslcrl: always('warn'),
  sslcrldir: always('warn'),
  ssl_min_protocol_version: always('warn'),
  ssl_max_protocol_version: always('warn'),
  sslcertmode: (v) => (v === 'require' ? 'reject' : v === 'allow' ? 'ignore' : 'warn'),
  sslkeylogfile: always('warn'),
  gssencmode: rejectWhen('require'),
  channel_binding: rejectWhen('require'),
  sslnegotiation: rejectWhen('direct'),
  hostaddr: always('reject'),
  service: always('reject'),
  replication: always('reject'),
  require_auth: always('reject'),
  requirepeer: always('reject'),
  sslpassword: always('reject'),
};

export function isUsedKeyword(keyword: string): keyword is UsedKeyword {
  return (USED_KEYWORDS as readonly string[]).includes(keyword);
}

/** `undefined` when libpq does not know the keyword either. */
export function otherKeywordTreatment(keyword: string, value: string): KeywordTreatment | undefined {
  return Object.hasOwn(OTHER_KEYWORDS, keyword) ? OTHER_KEYWORDS[keyword]?.(value) : undefined;
}

export function isKnownKeyword(keyword: string): boolean {
  return isUsedKeyword(keyword) || Object.hasOwn(OTHER_KEYWORDS, keyword);
}
