import { isSqlState } from '../core/errors.js';
import type { ErrorClass } from './error-class.js';

/** One distinct error message seen by a lane of the soak, with how often and since when. */
export interface ErrorSample {
  errorClass: ErrorClass;
  /** The server's SQLSTATE, when the server sent the error. */
  sqlState?: string;
  /** The message as the server or the socket gave it (first line, at most MESSAGE_MAX characters). */
  message: string;
  /** When it was first seen, ISO 8601. */
  firstSeen: string;
  count: number;
}

/** What a lane keeps of its errors: the distinct messages (capped) and how many were left out. */
export interface ErrorMessages {
  samples: ErrorSample[];
  /** Failures whose message was not kept because the caps were reached, by class (they are counted in the class). */
  unsampled: Partial<Record<ErrorClass, number>>;
}

/** Distinct messages kept per class, and in all: enough to say why, bounded on a long soak. */
export const SAMPLES_PER_CLASS = 5;
export const SAMPLES_TOTAL = 20;
const MESSAGE_MAX = 300;

/** The words of an error: its message (the parts of an AggregateError when it has none) and its SQLSTATE. */
export function describeError(error: unknown): { message: string; sqlState?: string } {
  if (error === undefined || error === null) return { message: 'no error message' };
  if (typeof error === 'string') return { message: shorten(error) };
  const e = error as { message?: unknown; code?: unknown };
  const sqlState = isSqlState(e.code) ? e.code : undefined;
  let message = typeof e.message === 'string' ? e.message : '';
  if (!message && error instanceof AggregateError) {
    message = [...new Set(error.errors.map((x: unknown) => describeError(x).message))].join('; ');
  }
  if (!message && typeof e.code === 'string') message = e.code;
  if (!message) message = String(error);
  return { message: shorten(message), ...(sqlState ? { sqlState } : {}) };
}

function shorten(text: string): string {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line;
}

/**
 * Collects the distinct messages of a lane's failures in fixed memory: up to SAMPLES_PER_CLASS
 * per class and SAMPLES_TOTAL in all (the first of each class always kept), each with a count and when it was first seen; failures past
 * the caps are counted as unsampled. `add` says whether the class was seen for the first time.
 */
export class ErrorSampler {
  private readonly byKey = new Map<string, ErrorSample>();
  private readonly perClass = new Map<ErrorClass, number>();
  private readonly unsampled: Partial<Record<ErrorClass, number>> = {};

  /** Records one failure; returns its sample when its class is new (for a "new error class" line). */
  add(errorClass: ErrorClass, words: { message: string; sqlState?: string }, atMs: number): ErrorSample | undefined {
    const key = `${errorClass}\u0000${words.sqlState ?? ''}\u0000${words.message}`;
    const known = this.byKey.get(key);
    if (known) {
      known.count++;
      return undefined;
    }
    const sample: ErrorSample = { errorClass, ...(words.sqlState ? { sqlState: words.sqlState } : {}), message: words.message, firstSeen: new Date(atMs).toISOString(), count: 1 };
    const inClass = this.perClass.get(errorClass) ?? 0;
    // The first message of every class is always kept: the total cap bounds the further ones.
    if (inClass >= SAMPLES_PER_CLASS || (inClass > 0 && this.byKey.size >= SAMPLES_TOTAL)) {
      this.unsampled[errorClass] = (this.unsampled[errorClass] ?? 0) + 1;
    } else {
      this.byKey.set(key, sample);
      this.perClass.set(errorClass, inClass + 1);
    }
    return inClass === 0 ? { ...sample } : undefined;
  }

  /** The samples in the order they were first seen, and the unsampled counts (copies). */
  messages(): ErrorMessages {
    return { samples: [...this.byKey.values()].map((s) => ({ ...s })), unsampled: { ...this.unsampled } };
  }
}

/** The first message of a class (the earliest seen), e.g. to say why the load never succeeded. */
export function firstMessage(samples: readonly ErrorSample[], errorClass?: ErrorClass): ErrorSample | undefined {
  const pool = errorClass ? samples.filter((s) => s.errorClass === errorClass) : samples;
  return pool.reduce<ErrorSample | undefined>((a, s) => (!a || s.firstSeen < a.firstSeen ? s : a), undefined);
}
