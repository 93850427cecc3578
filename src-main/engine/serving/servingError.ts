// Errors the data plane answers with: an HTTP status, one line saying what was expected, and for 503 how long
// to wait. `failure` is the Triton failure reason the metrics count it under.

export type ServingStatus = 400 | 401 | 403 | 404 | 405 | 413 | 429 | 500 | 501 | 503;
export type FailureReason = 'REJECTED' | 'CANCELED' | 'BACKEND' | 'OTHER';

export class ServingError extends Error {
  constructor(
    readonly status: ServingStatus,
    message: string,
    /** `timeout`: the request's deadline passed (safe mode may answer), as opposed to load being shed. */
    readonly options: { retryAfterSeconds?: number; failure?: FailureReason; timeout?: boolean } = {},
  ) {
    super(message);
    this.name = 'ServingError';
  }

  get failure(): FailureReason {
    return this.options.failure ?? (this.status === 503 || this.status === 429 ? 'REJECTED' : 'OTHER');
  }
}

export const badRequest = (message: string) => new ServingError(400, message);
export const notFound = (message: string) => new ServingError(404, message);
export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new ServingError(503, message, { retryAfterSeconds, failure: 'REJECTED' });
