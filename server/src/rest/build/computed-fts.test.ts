/** The SQL of computed fields, full-text search through to_tsvector() and `is.not_null`. */
import { describe, expect, it } from 'vitest'
import { planMutation, planRead, type PlanContext } from '../plan/index.js'
import { buildSchemaCache } from '../test-fixtures/schema-cache.js'
import { request } from '../test-fixtures/requests.js'
import { buildMutation } from './mutation-statement.js'
import { buildRead } from './read-statement.js'

const cache = buildSchemaCache({
  tables: { items: { columns: ['id integer pk', 'body text', 'doc jsonb null', 'search tsvector null'] } },
})
cache.tables.get('public.items')!.computed = new Map([['anti_id', { schema: 'public', name: 'anti_id', returnType: 'bigint' }]])
const ctx: PlanContext = { cache, schema: 'public' }
const source = (query: string) => {
  const { text, values } = buildRead(planRead(ctx, 'items', request('GET', query)))
  return { text: text.slice('WITH pgrst_source AS ('.length, text.indexOf(') SELECT null::bigint')), values }
}

describe('computed fields', () => {
  it('are called on the whole row in select, filters and order', () => {
    expect(source('select=id,anti_id&anti_id=lt.0&order=anti_id.desc')).toEqual({
      text: 'SELECT "public"."items"."id", "public"."anti_id"("public"."items".*) FROM "public"."items" ' +
        'WHERE "public"."anti_id"("public"."items".*) < $1 ORDER BY "public"."anti_id"("public"."items".*) DESC',
      values: ['0'],
    })
  })

  it('are computed by RETURNING under their name for a write, * or not', () => {
    const post = (query: string) => buildMutation(planMutation(ctx, 'items', request('POST', query, { prefer: 'return=representation' }, '{"id":1}'))).text
    expect(post('select=*,anti_id')).toContain('RETURNING "public"."items".*, "public"."anti_id"("public"."items".*) AS "anti_id"')
    expect(post('select=anti_id')).toContain('RETURNING "public"."anti_id"("public"."items".*) AS "anti_id", "public"."items"."id"')
  })
})

describe('full-text search', () => {
  it('goes through to_tsvector() with the config on text and jsonb, not on tsvector', () => {
    expect(source('select=id&body=fts(french).amusant&doc=not.wfts.fun&search=plfts(simple).of')).toEqual({
      text: 'SELECT "public"."items"."id" FROM "public"."items" WHERE to_tsvector($1, "public"."items"."body") @@ to_tsquery($2, $3) ' +
        'AND NOT to_tsvector("public"."items"."doc") @@ websearch_to_tsquery($4) AND "public"."items"."search" @@ plainto_tsquery($5, $6)',
      values: ['french', 'french', 'amusant', 'fun', 'simple', 'of'],
    })
  })
})

describe('is.not_null', () => {
  it('is IS NOT NULL, in any case, and negates', () => {
    expect(source('select=id&doc=is.NoT_NuLl&body=not.is.not_null').text).toContain(
      'WHERE "public"."items"."doc" IS NOT NULL AND NOT "public"."items"."body" IS NOT NULL',
    )
  })
})
