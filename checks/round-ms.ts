/** Milliseconds to three decimals: lags and waits are often fractions of a millisecond on one machine. */
export function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
