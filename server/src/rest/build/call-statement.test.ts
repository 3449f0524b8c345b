import { describe, expect, it } from 'vitest'
import { planCall } from '../plan/index.js'
import { filmsContext, rpcRequest } from '../test-fixtures/requests.js'
import { buildCall } from './call-statement.js'

const build = (method: string, fn: string, query: string, body?: string, headers: Record<string, string> = {}) =>
  buildCall(planCall(filmsContext, fn, rpcRequest(method, query, { 'content-type': 'application/json', ...headers }, body)))

const RESPONSE_SETTINGS = "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status"
const SCALAR_BODY = "coalesce((json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null')"

describe('buildCall', () => {
  it('calls with named arguments read from the JSON arguments parameter', () => {
    expect(build('POST', 'add', '', '{"a":1,"b":2}')).toEqual({
      text:
        'WITH pgrst_source AS (SELECT pgrst_call.pgrst_scalar FROM (SELECT $1::json AS json_data) pgrst_payload, ' +
        'LATERAL (SELECT "a", "b" FROM json_to_record(pgrst_payload.json_data) AS _("a" integer, "b" integer) LIMIT 1) pgrst_body, ' +
        'LATERAL (SELECT "public"."add"("a" := "pgrst_body"."a", "b" := "pgrst_body"."b") pgrst_scalar) pgrst_call) ' +
        `SELECT null::bigint AS total_count, 1 AS page_total, ${SCALAR_BODY} AS body, ${RESPONSE_SETTINGS} FROM (SELECT "add".* FROM "pgrst_source" AS "add") _postgrest_t`,
      values: ['{"a":1,"b":2}'],
    })
  })

  it('passes the whole body to a single json parameter, and calls argument-less functions bare', () => {
    expect(build('POST', 'echo_json', '', '{"x":1}').text).toBe(
      'WITH pgrst_source AS (SELECT pgrst_call.pgrst_scalar FROM (SELECT "public"."echo_json"($1::json) pgrst_scalar) pgrst_call) ' +
        `SELECT null::bigint AS total_count, 1 AS page_total, ${SCALAR_BODY} AS body, ${RESPONSE_SETTINGS} FROM (SELECT "echo_json".* FROM "pgrst_source" AS "echo_json") _postgrest_t`,
    )
    expect(build('GET', 'film_count', '').text).toContain('FROM (SELECT "public"."film_count"() pgrst_scalar) pgrst_call)')
  })

  it('filters, orders, pages and counts set-returning results like a table', () => {
    expect(build('GET', 'search_films', 'q=i&year=gt.1970&select=id&order=rating.desc&limit=5', undefined, { prefer: 'count=exact' })).toEqual({
      text:
        'WITH pgrst_source AS (SELECT "pgrst_call"."id", "pgrst_call"."rating", "pgrst_call"."year" FROM (SELECT $1::json AS json_data) pgrst_payload, ' +
        'LATERAL (SELECT "q" FROM json_to_record(pgrst_payload.json_data) AS _("q" text) LIMIT 1) pgrst_body, ' +
        'LATERAL "public"."search_films"("q" := "pgrst_body"."q") pgrst_call), ' +
        'pgrst_source_count AS (SELECT 1 FROM "pgrst_source" AS "films" WHERE "films"."year" > $2) ' +
        'SELECT (SELECT pg_catalog.count(*) FROM pgrst_source_count) AS total_count, pg_catalog.count(_postgrest_t) AS page_total, ' +
        `coalesce(json_agg(_postgrest_t), '[]')::text AS body, ${RESPONSE_SETTINGS} ` +
        'FROM (SELECT "films"."id" FROM "pgrst_source" AS "films" WHERE "films"."year" > $3 ORDER BY "films"."rating" DESC LIMIT $4 OFFSET $5) _postgrest_t',
      values: ['{"q":"i"}', '1970', '1970', 5, 0],
    })
  })

  it('answers one object for a single composite, an array for a set of scalars', () => {
    expect(build('GET', 'top_film', 'select=title').text).toContain(`1 AS page_total, coalesce((json_agg(_postgrest_t)->0)::text, 'null') AS body`)
    expect(build('POST', 'set_names', '', '{"names":["a"]}').text).toContain(
      `pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')::text AS body`,
    )
  })

  it('calls with the first object of a JSON array body (json_to_recordset ... LIMIT 1), as PostgREST', () => {
    expect(build('POST', 'add', '', '[{"a":1,"b":2},{"a":3,"b":4}]').text).toContain(
      'FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "a", "b" FROM json_to_recordset(pgrst_payload.json_data) AS _("a" integer, "b" integer) LIMIT 1) pgrst_body',
    )
  })
})
