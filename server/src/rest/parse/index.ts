/**
 * Parse: the first stage of the data API. From an HTTP request's method, query string, headers and
 * body to a typed ApiRequest (PostgREST's grammar and its PGRST1xx errors). It knows nothing of
 * the schema or of SQL: whether a column or relationship exists is the planner's business.
 */
export { parseRequest, type RequestInput, type HeaderSource } from './request.js'
export { parseQueryParams } from './query-params.js'
export { parsePreferences, assertStrictPreferences, type PreferenceOptions } from './preferences.js'
export { negotiateMediaType, notAcceptable, parseAccept, pickMediaType, contentTypeOf, type OwnMediaType } from './media-type.js'
export { contentMediaType, parsePayload, looksLikeObject } from './payload.js'
export type * from './types.js'
