import { ERROR_MESSAGES, type ApiError, type ErrorCode } from '../../typings/errors';

/** A failure the user should see: thrown anywhere in a handler, answered as { ok: false, error }. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly field?: string,
  ) {
    super(message ?? ERROR_MESSAGES[code]);
  }

  toApiError(): ApiError {
    return this.field
      ? { code: this.code, message: this.message, field: this.field }
      : { code: this.code, message: this.message };
  }
}
