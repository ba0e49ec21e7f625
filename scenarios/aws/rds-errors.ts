import { CutoverError } from '../../core/errors.js';

/** What an RDS call was doing when it failed, for a message that names the deployment and its state. */
export interface RdsCallContext {
  /** The API operation, e.g. `SwitchoverBlueGreenDeployment`. */
  operation: string;
  /** The deployment's identifier (or name, or source) the call was about. */
  deployment: string;
  /** The deployment's last known status, when one was seen. */
  state?: string;
}

/** The SDK's service errors carry these; network errors only a message. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

/**
 * One line for the step table and the full story for the report: which call, on which
 * deployment, in which state, what AWS answered (its error code, HTTP status, request id) and
 * how many attempts the SDK made. Never includes credentials: the SDK's errors do not carry them.
 */
export function rdsError(error: unknown, at: RdsCallContext): CutoverError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const code = e.name && e.name !== 'Error' ? e.name : 'error';
  const throttled = THROTTLING.test(code) || e.$retryable?.throttling === true;
  const attempts = e.$metadata?.attempts;
  const where = `${at.operation} on ${at.deployment}${at.state ? ` (state ${at.state})` : ''}`;
  const why = throttled ? `throttled by AWS${attempts ? ` after ${attempts} attempts` : ''}` : code;
  const short = `${where} failed: ${why}: ${e.message ?? 'no message'}`;
  const facts = [
    e.$metadata?.httpStatusCode ? `HTTP ${e.$metadata.httpStatusCode}` : undefined,
    attempts ? `${attempts} attempt(s)` : undefined,
    e.$metadata?.requestId ? `request id ${e.$metadata.requestId}` : undefined,
  ].filter(Boolean);
  return new CutoverError('query', short, { cause: error, message: facts.length ? `${short}\n(${facts.join(', ')})` : short });
}
