import { describe, expect, it } from 'vitest'
import { planRead } from '../plan/index.js'
import { filmsContext, request } from '../test-fixtures/requests.js'
import { buildCountExplain, buildRead } from './read-statement.js'

const build = (table: string, query: string, headers: Record<string, string> = {}) =>
  buildRead(planRead(filmsContext, table, request('GET', query, headers)))

/** The fixed tail every read shares; the tests pin what differs. */
const RESPONSE_SETTINGS = "nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status"
const tail = (body = "coalesce(json_agg(_postgrest_t), '[]')::text", count = 'null::bigint') =>
  ` SELECT ${count} AS total_count, pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body, ${RESPONSE_SETTINGS} FROM (SELECT * FROM pgrst_source) _postgrest_t`

describe('buildRead', () => {
  it('selects columns of the table, filters with bound untyped parameters', () => {
    expect(build('films', 'select=id,title&id=eq.1')).toEqual({
      text: 'WITH pgrst_source AS (SELECT "public"."films"."id", "public"."films"."title" FROM "public"."films" WHERE "public"."films"."id" = $1)' + tail(),
      values: ['1'],
    })
  })

  it('selects the whole row for select=* and for an empty select', () => {
    expect(build('films', '').text).toContain('SELECT "public"."films".* FROM "public"."films")')
    expect(build('films', 'select=').text).toContain('SELECT "public"."films".* FROM "public"."films")')
  })

  it('embeds to-one with row_to_json and to-many with json_agg in lateral joins; m2m through the junction', () => {
    expect(build('films', 'select=title,director:directors(name),actors(name)&actors.order=name&limit=5&offset=10')).toEqual({
      text:
        'WITH pgrst_source AS (SELECT "public"."films"."title", row_to_json("films_director_1".*)::jsonb AS "director", ' +
        `COALESCE("films_actors_1"."films_actors_1", '[]') AS "actors" FROM "public"."films" ` +
        'LEFT JOIN LATERAL (SELECT "directors_1"."name" FROM "public"."directors" AS "directors_1" WHERE "directors_1"."id" = "public"."films"."director_id") AS "films_director_1" ON TRUE ' +
        'LEFT JOIN LATERAL (SELECT json_agg("films_actors_1")::jsonb AS "films_actors_1" FROM (SELECT "actors_1"."name" FROM "public"."actors" AS "actors_1", "public"."roles" AS "roles_1" ' +
        'WHERE "roles_1"."actor_id" = "actors_1"."id" AND "roles_1"."film_id" = "public"."films"."id" ORDER BY "actors_1"."name") AS "films_actors_1") AS "films_actors_1" ON TRUE ' +
        'LIMIT $1 OFFSET $2)' + tail(),
      values: [5, 10],
    })
  })

  it('turns !inner into INNER JOIN ... IS NOT NULL, null-embed filters into IS DISTINCT FROM NULL, and counts with EXISTS', () => {
    expect(build('directors', 'select=name,films!inner(title)&films.year=gt.1970&films=not.is.null', { prefer: 'count=exact' })).toEqual({
      text:
        `WITH pgrst_source AS (SELECT "public"."directors"."name", COALESCE("directors_films_1"."directors_films_1", '[]') AS "films" FROM "public"."directors" ` +
        'INNER JOIN LATERAL (SELECT json_agg("directors_films_1")::jsonb AS "directors_films_1" FROM (SELECT "films_1"."title" FROM "public"."films" AS "films_1" ' +
        'WHERE "films_1"."year" > $1 AND "films_1"."director_id" = "public"."directors"."id") AS "directors_films_1") AS "directors_films_1" ON "directors_films_1" IS NOT NULL ' +
        'WHERE "directors_films_1" IS DISTINCT FROM NULL), ' +
        'pgrst_source_count AS (SELECT 1 FROM "public"."directors" WHERE EXISTS (SELECT 1 FROM "public"."films" AS "films_1" WHERE "films_1"."year" > $2 AND "films_1"."director_id" = "public"."directors"."id") ' +
        'AND EXISTS (SELECT 1 FROM "public"."films" AS "films_1" WHERE "films_1"."year" > $3 AND "films_1"."director_id" = "public"."directors"."id"))' +
        tail(undefined, '(SELECT pg_catalog.count(*) FROM pgrst_source_count)'),
      values: ['1970', '1970', '1970'],
    })
  })

  it('spreads, casts, json paths, logic trees, related and json-path orders', () => {
    expect(build('films', 'select=title,...directors(name),meta->a->>b::int&or=(year.lt.1965,not.and(tags.cs.{a},id.in.(1,"2,3")))&order=directors(name).desc.nullslast,meta->>x')).toEqual({
      text:
        'WITH pgrst_source AS (SELECT "public"."films"."title", CAST("public"."films"."meta"->$1->>$2 AS int) AS "b", "films_directors_1"."name" FROM "public"."films" ' +
        'LEFT JOIN LATERAL (SELECT "directors_1"."name" FROM "public"."directors" AS "directors_1" WHERE "directors_1"."id" = "public"."films"."director_id") AS "films_directors_1" ON TRUE ' +
        'WHERE ("public"."films"."year" < $3 OR NOT ("public"."films"."tags" @> $4 AND "public"."films"."id" = ANY($5))) ' +
        'ORDER BY "films_directors_1"."name" DESC NULLS LAST, "public"."films"."meta"->>$6)' + tail(),
      values: ['a', 'b', '1965', '{a}', '{"1","2,3"}', 'x'],
    })
  })

  it.each([
    ['title=like.*Shin*', '"public"."films"."title" like $1', ['%Shin%']],
    ['title=not.ilike(any).{a*,b*}', 'NOT "public"."films"."title" ilike ANY($1)', ['{a%,b%}']],
    ['year=is.null', '"public"."films"."year" IS NULL', []],
    ['year=not.is.true', 'NOT "public"."films"."year" IS TRUE', []],
    ['rating=isdistinct.5', '"public"."films"."rating" IS DISTINCT FROM $1', ['5']],
    ['id=in.()', '"public"."films"."id" = ANY($1)', ['{}']],
    ['search=fts(english).cat', '"public"."films"."search" @@ to_tsquery($1, $2)', ['english', 'cat']],
    ['search=plfts.a b', '"public"."films"."search" @@ plainto_tsquery($1)', ['a b']],
    ['search=phfts.a b', '"public"."films"."search" @@ phraseto_tsquery($1)', ['a b']],
    ['title=match.^T', '"public"."films"."title" ~ $1', ['^T']],
    ['title=imatch.^t', '"public"."films"."title" ~* $1', ['^t']],
    ['tags=cd.{a,b}', '"public"."films"."tags" <@ $1', ['{a,b}']],
    ['tags=ov.{a}', '"public"."films"."tags" && $1', ['{a}']],
    ['year=neq.1', '"public"."films"."year" <> $1', ['1']],
    ['year=sl.[1,2)', '"public"."films"."year" << $1', ['[1,2)']],
    ['year=sr.[1,2)', '"public"."films"."year" >> $1', ['[1,2)']],
    ['year=nxl.[1,2)', '"public"."films"."year" &> $1', ['[1,2)']],
    ['year=nxr.[1,2)', '"public"."films"."year" &< $1', ['[1,2)']],
    ['year=adj.[1,2)', '"public"."films"."year" -|- $1', ['[1,2)']],
    ['tags->0=eq."a"', 'to_jsonb("public"."films"."tags")->$1::int = $2', ['+0', '"a"']],
    ['meta->>lang=in.(en,fr)', '"public"."films"."meta"->>$1 = ANY($2)', ['lang', '{"en","fr"}']],
  ])('filter %s', (query, where, values) => {
    const s = build('films', `select=id&${query}`)
    expect(s.text).toBe(`WITH pgrst_source AS (SELECT "public"."films"."id" FROM "public"."films" WHERE ${where})${tail()}`)
    expect(s.values).toEqual(values)
  })

  it.each([
    ['application/vnd.pgrst.object+json', "coalesce((json_agg(_postgrest_t)->0)::text, 'null')"],
    ['application/vnd.pgrst.object+json;nulls=stripped', "coalesce((json_strip_nulls(json_agg(_postgrest_t)->0))::text, 'null')"],
    ['application/vnd.pgrst.array+json;nulls=stripped', "coalesce(json_strip_nulls(json_agg(_postgrest_t)), '[]')::text"],
    [
      'text/csv',
      "(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k FROM (SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a) || chr(10) || " +
        "coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), chr(10)), '')",
    ],
  ])('aggregates the body for %s', (accept, body) => {
    expect(build('films', 'select=id', { accept }).text).toBe(`WITH pgrst_source AS (SELECT "public"."films"."id" FROM "public"."films")${tail(body)}`)
  })

  it('sends no body for HEAD', () => {
    const s = buildRead(planRead(filmsContext, 'films', request('HEAD', 'select=id')))
    expect(s.text).toBe(`WITH pgrst_source AS (SELECT "public"."films"."id" FROM "public"."films")${tail("''::text")}`)
  })

  it('quotes client aliases as identifiers', () => {
    expect(build('films', 'select="a\\"b":title').text).toContain('"public"."films"."title" AS "a""b"')
  })

  it('builds the EXPLAIN of the count query for planned and estimated counts', () => {
    const p = planRead(filmsContext, 'films', request('GET', 'select=id,directors!inner(id)&year=gt.2000', { prefer: 'count=planned' }))
    expect(buildRead(p).text).toContain('null::bigint AS total_count')
    expect(buildCountExplain(p)).toEqual({
      text: 'EXPLAIN (FORMAT JSON) SELECT 1 FROM "public"."films" WHERE "public"."films"."year" > $1 AND EXISTS (SELECT 1 FROM "public"."directors" AS "directors_1" WHERE "directors_1"."id" = "public"."films"."director_id")',
      values: ['2000'],
    })
  })
})
