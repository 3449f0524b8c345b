/**
 * Errors: the one ApiError class, the code registries (Floe's own, PostgREST's and GoTrue's), the one
 * mapper from anything thrown to an ApiError (toApiError), the one writer of an error's status,
 * headers and JSON body (renderError) and the one zod failure → INVALID_INPUT mapping. It sends
 * nothing itself: http/ and the TUS server write what renderError returns.
 */
export { ApiError, type ApiErrorOptions, type ErrorBody, type ErrorDetails, type PassThroughCode } from './api-error.js'
export { ERROR_CODES, POSTGREST_CODES, type ErrorCode, type PostgrestCode } from './codes.js'
export { toApiError, statusForSqlState, markServiceFailure, isUniqueViolation, isForeignKeyViolation, isPgError, type PgError } from './to-api-error.js'
export { renderError, type ErrorDialect, type RenderedError } from './render-error.js'
export { GOTRUE_API_VERSION, GOTRUE_CODES, type GoTrueCode } from './gotrue.js'
export { invalidInput, type InputIssue } from './invalid-input.js'
