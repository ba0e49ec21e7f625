import { CutoverError } from '../core/errors.js';
import { connectFailureCause } from '../core/connect-client.js';
import { classifyError, type ErrorClass } from './error-class.js';

/**
 * The class of a failure of `connectClient`, from the error underneath it (the SQLSTATE or errno
 * the server or the socket gave), so that a refused connection counts as `refused` and a wrong
 * password as `auth`, not as `other`.
 */
export function classifyConnectFailure(error: unknown): ErrorClass {
  const cause = connectFailureCause(error);
  // cutover refused before reaching the server: no password to give is an authentication problem.
  if (cause instanceof CutoverError) return cause.code === 'auth' ? 'auth' : 'other';
  return classifyError(cause);
}
