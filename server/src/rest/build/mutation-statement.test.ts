import { describe, expect, it } from 'vitest'
import { planMutation } from '../plan/index.js'
import { filmsContext, request } from '../test-fixtures/requests.js'
import { buildMutation } from './mutation-statement.js'

const build = (method: string, table: string, query: string, body: string | undefined, prefer = '') =>
  buildMutation(planMutation(filmsContext, table, request(method, query, { 'content-type': 'application/json', ...(prefer !== '' && { prefer }) }, body)))

const RESPONSE_SETTINGS = "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status"
const tail = (body: string, from: string, location = 'array[]::text[]', inserted = 'null::int') =>
  ` SELECT null::bigint AS total_count, pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body, ${location} AS location, ${inserted} AS inserted, ${RESPONSE_SETTINGS} FROM (${from}) _postgrest_t`
const JSON_BODY = "coalesce(json_agg(_postgrest_t), '[]')::text"
const INSERTED_ADD = "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'"
const INSERTED_SUB = "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'"
const UPSERT_COUNT = "nullif(current_setting('pgrst.inserted', true), '')::int"

describe('buildMutation: insert', () => {
  it('inserts from the body as one json parameter and reads the representation over pgrst_source', () => {
    const body = '{"title":"x","director_id":1}'
    expect(build('POST', 'films', 'select=title,directors(name)', body, 'return=representation')).toEqual({
      text:
        'WITH pgrst_source AS (INSERT INTO "public"."films"("director_id", "title") SELECT "pgrst_body"."director_id", "pgrst_body"."title" ' +
        'FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "director_id", "title" FROM json_to_record(pgrst_payload.json_data) AS _("director_id" integer, "title" text)) pgrst_body ' +
        'RETURNING "public"."films"."director_id", "public"."films"."id", "public"."films"."title")' +
        tail(JSON_BODY,
          'SELECT "films"."title", row_to_json("films_directors_1".*)::jsonb AS "directors" FROM "pgrst_source" AS "films" ' +
          'LEFT JOIN LATERAL (SELECT "directors_1"."name" FROM "public"."directors" AS "directors_1" WHERE "directors_1"."id" = "films"."director_id") AS "films_directors_1" ON TRUE'),
      values: [body],
    })
  })

  it('bulk-inserts with json_to_recordset, missing keys from column defaults with missing=default', () => {
    const body = '[{"title":"a"},{"title":"b"}]'
    expect(build('POST', 'films', '', body, 'missing=default')).toEqual({
      text:
        'WITH pgrst_source AS (INSERT INTO "public"."films"("title") SELECT "pgrst_body"."title" FROM (SELECT $1::jsonb AS json_data) pgrst_payload, ' +
        'LATERAL (SELECT jsonb_agg(jsonb_build_object() || elem) AS val FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, ' +
        'LATERAL (SELECT "title" FROM jsonb_to_recordset(pgrst_json_defs.val) AS _("title" text)) pgrst_body RETURNING 1)' +
        tail("''::text", 'SELECT * FROM pgrst_source'),
      values: [body],
    })
  })

  it('takes defaults of the written columns from the cache', () => {
    const s = build('POST', 'films', 'columns=id,created_at', '{"id":5}', 'missing=default')
    expect(s.text).toContain(
      "LATERAL (SELECT jsonb_build_object('id', nextval('films_id_seq'::regclass), 'created_at', now()) || pgrst_payload.json_data AS val) pgrst_json_defs, " +
        'LATERAL (SELECT "id", "created_at" FROM jsonb_to_record(pgrst_json_defs.val) AS _("id" integer, "created_at" timestamp with time zone)) pgrst_body',
    )
  })

  it('upserts with ON CONFLICT DO UPDATE and counts the real inserts', () => {
    const s = build('POST', 'films', 'on_conflict=id', '[{"id":1,"title":"t"}]', 'resolution=merge-duplicates')
    expect(s.text).toBe(
      'WITH pgrst_source AS (INSERT INTO "public"."films"("id", "title") SELECT "pgrst_body"."id", "pgrst_body"."title" FROM (SELECT $1::json AS json_data) pgrst_payload, ' +
        'LATERAL (SELECT "id", "title" FROM json_to_recordset(pgrst_payload.json_data) AS _("id" integer, "title" text)) pgrst_body ' +
        `WHERE ${INSERTED_ADD} ON CONFLICT("id") DO UPDATE SET "id" = EXCLUDED."id", "title" = EXCLUDED."title" WHERE ${INSERTED_SUB} RETURNING 1)` +
        tail("''::text", 'SELECT * FROM pgrst_source', undefined, UPSERT_COUNT),
    )
  })

  it('ignores duplicates with DO NOTHING', () => {
    expect(build('POST', 'films', '', '{"id":1}', 'resolution=ignore-duplicates').text).toContain(') pgrst_body ON CONFLICT("id") DO NOTHING RETURNING 1)')
  })

  it('builds the Location pairs for return=headers-only', () => {
    const s = build('POST', 'films', '', '{"id":1}', 'return=headers-only')
    expect(s.text).toContain(
      "CASE WHEN pg_catalog.count(_postgrest_t) = 1 THEN coalesce((WITH data AS (SELECT row_to_json(_) AS row FROM pgrst_source AS _ LIMIT 1) " +
        "SELECT array_agg(json_data.key || '=' || coalesce('eq.' || json_data.value, 'is.null')) FROM data CROSS JOIN json_each_text(data.row) AS json_data " +
        "WHERE json_data.key IN ('id')), array[]::text[]) ELSE array[]::text[] END AS location",
    )
  })

  it('PUT inserts only when the body matches the URL key, merging on the primary key', () => {
    const s = build('PUT', 'films', 'id=eq.7', '{"id":7,"title":"t"}')
    expect(s.text).toContain(`) pgrst_body WHERE ${INSERTED_ADD} AND "pgrst_body"."id" = $2 ON CONFLICT("id") DO UPDATE SET`)
    expect(s.values).toEqual(['{"id":7,"title":"t"}', '7'])
  })
})

describe('buildMutation: update and delete', () => {
  it('updates from the body with the filters', () => {
    expect(build('PATCH', 'films', 'id=eq.1', '{"title":"t"}')).toEqual({
      text:
        'WITH pgrst_source AS (UPDATE "public"."films" SET "title" = "pgrst_body"."title" FROM (SELECT $1::json AS json_data) pgrst_payload, ' +
        'LATERAL (SELECT "title" FROM json_to_record(pgrst_payload.json_data) AS _("title" text)) pgrst_body WHERE "public"."films"."id" = $2 RETURNING 1)' +
        tail("''::text", 'SELECT * FROM pgrst_source'),
      values: ['{"title":"t"}', '1'],
    })
  })

  it('limits an update through pgrst_affected_rows, matched on the order columns', () => {
    expect(build('PATCH', 'films', 'year=gt.1&order=id&limit=2', '{"title":"t"}').text).toBe(
      'WITH pgrst_source AS (WITH pgrst_update_body AS (SELECT "pgrst_body"."title" FROM (SELECT $1::json AS json_data) pgrst_payload, ' +
        'LATERAL (SELECT "title" FROM json_to_record(pgrst_payload.json_data) AS _("title" text) LIMIT 1) pgrst_body), ' +
        'pgrst_affected_rows AS (SELECT "public"."films"."id" FROM "public"."films" WHERE "public"."films"."year" > $2 ORDER BY "public"."films"."id" LIMIT $3 OFFSET $4) ' +
        'UPDATE "public"."films" SET "title" = (SELECT "title" FROM pgrst_update_body) FROM pgrst_affected_rows WHERE "public"."films"."id" = "pgrst_affected_rows"."id" RETURNING 1)' +
        tail("''::text", 'SELECT * FROM pgrst_source'),
    )
  })

  it('selects no rows for an empty PATCH body', () => {
    expect(build('PATCH', 'films', 'id=eq.1&select=id', '{}', 'return=representation').text).toBe(
      'WITH pgrst_source AS (SELECT "films"."id" FROM "public"."films" WHERE false)' + tail(JSON_BODY, 'SELECT "films"."id" FROM "pgrst_source" AS "films"'),
    )
  })

  it('reports the affected rows as total_count with count=exact', () => {
    expect(build('DELETE', 'reviews', 'id=eq.1', undefined, 'count=exact').text).toContain('SELECT pg_catalog.count(_postgrest_t) AS total_count, pg_catalog.count(_postgrest_t) AS page_total')
  })

  it('deletes with filters, and with order+limit through pgrst_affected_rows', () => {
    expect(build('DELETE', 'reviews', 'stars=lt.3&select=id', undefined, 'return=representation')).toEqual({
      text: 'WITH pgrst_source AS (DELETE FROM "public"."reviews" WHERE "public"."reviews"."stars" < $1 RETURNING "public"."reviews"."id")' +
        tail(JSON_BODY, 'SELECT "reviews"."id" FROM "pgrst_source" AS "reviews"'),
      values: ['3'],
    })
    expect(build('DELETE', 'reviews', 'order=id.desc&limit=1', undefined).text).toBe(
      'WITH pgrst_source AS (WITH pgrst_affected_rows AS (SELECT "public"."reviews"."id" FROM "public"."reviews" ORDER BY "public"."reviews"."id" DESC LIMIT $1 OFFSET $2) ' +
        'DELETE FROM "public"."reviews" USING pgrst_affected_rows WHERE "public"."reviews"."id" = "pgrst_affected_rows"."id" RETURNING 1)' +
        tail("''::text", 'SELECT * FROM pgrst_source'),
    )
  })

  it('orders the representation of a write and its embeds as asked (PostgREST applies `order` to a mutation\'s read plan)', () => {
    expect(build('DELETE', 'reviews', 'select=id&order=id.desc', undefined, 'return=representation').text).toBe(
      'WITH pgrst_source AS (DELETE FROM "public"."reviews" RETURNING "public"."reviews"."id")' +
        tail(JSON_BODY, 'SELECT "reviews"."id" FROM "pgrst_source" AS "reviews" ORDER BY "reviews"."id" DESC'),
    )
  })
})
