/**
 * How the response body is aggregated in SQL, per media type (PostgREST's handlerF): a JSON array,
 * a single JSON object (the executor checks page_total = 1 for the 406), or CSV with a header line.
 * Always text, so the driver hands it over without parsing it.
 */
import type { MediaType } from '../parse/types.js'

const strip = (media: { stripNulls: boolean }, expr: string) => (media.stripNulls ? `json_strip_nulls(${expr})` : expr)

/** PostgREST's asCsvF: header from the first row's keys, then each row's record text without parens. */
const CSV_BODY =
  "(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k FROM (SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a)" +
  " || chr(10) || " +
  "coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), chr(10)), '')"

export function bodyExpression(media: MediaType, headersOnly: boolean, row = '_postgrest_t'): string {
  if (headersOnly) return "''::text"
  switch (media.kind) {
    case 'csv':
      return CSV_BODY
    case 'object':
      return `coalesce((${strip(media, `json_agg(${row})->0`)})::text, 'null')`
    case 'json':
      return `coalesce(${strip(media, `json_agg(${row})`)}, '[]')::text`
    case 'raw':
      // Only a call answers in its function's own media type (planCall, callBody).
      throw new Error('a raw media type is only planned for a function call')
  }
}
