import { isAvailabilityClass, type ErrorClass } from '../error-class.js';
import { firstMessage, type ErrorSample } from '../error-samples.js';

/** Default floor of the load's success ratio outside outages (config `gate.minSuccessRatio`, `--min-success-ratio`). */
export const DEFAULT_MIN_SUCCESS_RATIO = 0.99;

/** What the evidence rules read: the load's totals and the ledger's confirmed writes. */
export interface EvidenceInput {
  load: {
    ok: number;
    failed: number;
    errors: Partial<Record<ErrorClass, number>>;
    /** The distinct messages behind `errors` (run.json may lack them for runs of older versions). */
    errorMessages?: { samples: ErrorSample[] };
  };
  /** Ledgered attempts and the ones verification confirmed on the final writer. */
  ledger: { attempts: number; confirmed: number };
  minSuccessRatio: number;
}

/**
 * Whether a soak measured anything a verdict can rest on (run.json `soak.evidence`): a pass needs
 * a load that succeeded, a success ratio outside outages at or above the floor, and at least one
 * ledgered write confirmed on the final writer.
 */
export interface SoakEvidence {
  passed: boolean;
  /** Why not, most fundamental first; each names the first error's words. Empty when passed. */
  reasons: string[];
  /**
   * Successes over the attempts that ended, leaving out failures an outage explains (the server
   * not serving: refused, reset, shut down, starting up, read-only, timeout, saturated, which the
   * outage windows measure as downtime); null when no attempt ended.
   */
  successRatio: number | null;
  minSuccessRatio: number;
  /** Failed attempts left out of the ratio as an outage's doing. */
  outageFailures: number;
  confirmed: number;
}

const pct = (x: number) => `${(Math.floor(x * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;

/** "message (class, SQLSTATE …)" for the first message of a class (or of all, without one). */
export function sampleText(samples: readonly ErrorSample[], cls?: ErrorClass): string | undefined {
  const s = firstMessage(samples, cls);
  if (!s) return undefined;
  return `${s.message} (${s.errorClass}${s.sqlState ? `, SQLSTATE ${s.sqlState}` : ''})`;
}

/** Applies the three evidence rules of a soak; see SoakEvidence. */
export function soakEvidence(input: EvidenceInput): SoakEvidence {
  const { load, ledger, minSuccessRatio } = input;
  const samples = load.errorMessages?.samples ?? [];
  const ended = load.ok + load.failed;
  const outageFailures = Object.entries(load.errors).reduce((sum, [cls, n]) => sum + (isAvailabilityClass(cls as ErrorClass) ? (n ?? 0) : 0), 0);
  const counted = ended - outageFailures;
  const successRatio = ended === 0 ? null : counted === 0 ? 1 : load.ok / counted;
  const reasons: string[] = [];
  const classes = Object.entries(load.errors)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  if (ended === 0) {
    reasons.push('the load made no attempt that ended (the soak was too short, or stopped at once)');
  } else if (load.ok === 0) {
    const why = sampleText(samples) ?? (classes.map(([c]) => c).join(', ') || 'no error message');
    reasons.push(`the load never succeeded: ${why}; ${load.failed.toLocaleString('en-US')} attempts failed`);
  } else {
    if (successRatio !== null && successRatio < minSuccessRatio) {
      const unexplained = classes.filter(([c]) => !isAvailabilityClass(c as ErrorClass)).slice(0, 3);
      const detail = unexplained.map(([c, n]) => `${(n ?? 0).toLocaleString('en-US')} ${c}: ${firstMessage(samples, c as ErrorClass)?.message ?? 'no error message'}`).join('; ');
      reasons.push(`only ${pct(successRatio)} of the load's attempts succeeded outside outages (floor ${pct(minSuccessRatio)}): ${detail}`);
    }
    if (ledger.confirmed === 0) {
      const why = sampleText(samples);
      reasons.push(`no ledgered write was confirmed (${ledger.attempts.toLocaleString('en-US')} attempted)${why ? `: ${why}` : ''}`);
    }
  }
  return { passed: reasons.length === 0, reasons, successRatio, minSuccessRatio, outageFailures, confirmed: ledger.confirmed };
}
