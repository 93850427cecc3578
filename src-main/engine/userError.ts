// Errors a user can act on: the message is one line saying what was wrong and what was expected. Anything
// else that escapes is a bug and is reported as such.

export type UserErrorCode = 'bad-input' | 'not-found' | 'conflict' | 'unavailable' | 'too-new' | 'cancelled';

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
