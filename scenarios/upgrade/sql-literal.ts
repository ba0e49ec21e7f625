/** A string as a SQL literal (standard_conforming_strings on, as on every supported server). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
