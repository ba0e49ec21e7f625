/** Findings as `{ key: severity }`, the shape rule tests compare against. */
export function keys(findings: readonly { key: string; severity: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((findings ?? []).map((f) => [f.key, f.severity]));
}
