import type { ErrorClass } from '../error-class.js';

/**
 * Why an attempt got no connection: data, not an exception, because under overload thousands of
 * attempts a second end this way and each would otherwise pay for a stack trace. Nothing was
 * sent, so a ledgered attempt that ends here is certainly not committed.
 */
export interface AcquireFailure {
  readonly failed: true;
  readonly errorClass: ErrorClass;
  readonly message: string;
  /** The connection error behind it, when there was one. */
  readonly cause?: unknown;
}

export function acquireFailure(errorClass: ErrorClass, message: string, cause?: unknown): AcquireFailure {
  return { failed: true, errorClass, message, cause };
}
