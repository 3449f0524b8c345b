/**
 * Errors: the one ApiError class, the code registry and the one mapper from anything thrown to
 * `{ code, message, details, hint }` with its status. It formats nothing itself: app.ts's onError
 * is the only place that writes an error response.
 */
export { ApiError, type ApiErrorOptions, type ErrorBody, type ErrorDetails } from './api-error.js'
export { ERROR_CODES, type ErrorCode } from './codes.js'
export { toApiError, statusForSqlState, markServiceFailure } from './to-api-error.js'
