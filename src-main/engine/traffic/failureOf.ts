// How a failed request is recorded in a traffic window: the reason, and whether it was the caller's fault (a
// 4xx, not counted against the version) or the version's.
import { ServingError } from '../serving/servingError';

export interface RecordedFailure {
  reason: string;
  callerError: boolean;
}

export function failureOf(error: unknown): RecordedFailure {
  if (!(error instanceof ServingError)) return { reason: 'BACKEND', callerError: false };
  if (error.options.timeout) return { reason: 'TIMEOUT', callerError: false };
  // 503 is load being shed: the version could not keep up, which a rollout must see.
  if (error.status === 503) return { reason: 'REJECTED', callerError: false };
  if (error.status < 500) return { reason: error.status === 429 ? 'QUOTA' : 'BAD_REQUEST', callerError: true };
  return { reason: error.failure, callerError: false };
}
