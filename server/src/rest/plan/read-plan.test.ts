import { describe, expect, it } from 'vitest'
import { apiErrorOf, filmsContext, request } from '../test-fixtures/requests.js'
import { planRead } from './read-plan.js'
import type { EmbedNode } from './types.js'

const plan = (query: string, table = 'films', headers: Record<string, string> = {}) => planRead(filmsContext, table, request('GET', query, headers))
const embed = (query: string, table = 'films') => plan(query, table).root.children[0] as EmbedNode
const err = (query: string, table = 'films', ctx = filmsContext) => apiErrorOf(() => planRead(ctx, table, request('GET', query)))

describe('planRead: embeds', () => {
  it.each([
    ['select=directors(*)', 'films', 'many-to-one', 'films_director_id_fkey', true],
    ['select=reviews(*)', 'films', 'one-to-many', 'reviews_film_id_fkey', false],
    ['select=film_details(*)', 'films', 'one-to-one', 'film_details_film_id_fkey', true],
    ['select=actors(*)', 'films', 'many-to-many', 'roles_actor_id_fkey', false],
    ['select=films(*)', 'film_details', 'one-to-one', 'film_details_film_id_fkey', true],
    ['select=director_id(*)', 'films', 'many-to-one', 'films_director_id_fkey', true],
    ['select=films_director_id_fkey(*)', 'films', 'many-to-one', 'films_director_id_fkey', true],
    ['select=users!sender_id(*)', 'messages', 'many-to-one', 'messages_sender_id_fkey', true],
    ['select=users!messages_recipient_id_fkey(*)', 'messages', 'many-to-one', 'messages_recipient_id_fkey', true],
    ['select=actors!roles(*)', 'films', 'many-to-many', 'roles_actor_id_fkey', false],
    ['select=categories(*)', 'categories', 'one-to-many', 'categories_parent_id_fkey', false],
    ['select=parent_id(*)', 'categories', 'many-to-one', 'categories_parent_id_fkey', true],
  ])('%s on %s is %s via %s', (query, table, kind, constraint, toOne) => {
    const e = embed(query, table)
    expect([e.relationship.kind, e.relationship.constraintName, e.isToOne]).toEqual([kind, constraint, toOne])
  })

  it('names lateral aliases and join conditions as PostgREST does', () => {
    const e = embed('select=director:directors(name)')
    expect(e).toMatchObject({ relName: 'directors', relAlias: 'director', aggAlias: 'films_director_1', ref: { kind: 'alias', name: 'directors_1' } })
    expect(e.joinConditions).toEqual([
      { left: { ref: { kind: 'alias', name: 'directors_1' }, column: 'id' }, right: { ref: { kind: 'table', schema: 'public', name: 'films' }, column: 'director_id' } },
    ])
  })

  it('joins many-to-many through the aliased junction', () => {
    const e = embed('select=actors(name)')
    expect(e.junction?.ref).toEqual({ kind: 'alias', name: 'roles_1' })
    expect(e.joinConditions.map((c) => `${c.left.ref.name}.${c.left.column}=${c.right.ref.name}.${c.right.column}`)).toEqual([
      'roles_1.actor_id=actors_1.id', 'roles_1.film_id=films.id',
    ])
  })

  it('attaches embedded filters, orders and limits, and turns `embed=is.null` into a null-embed filter', () => {
    const root = plan('select=id,reviews(stars)&reviews.stars=gte.4&reviews.order=stars.desc&reviews.limit=2&reviews=not.is.null').root
    const child = root.children[0] as EmbedNode
    expect(child.where).toHaveLength(1)
    expect(child.order).toHaveLength(1)
    expect(child.range).toEqual({ offset: 0, limit: 2 })
    expect(root.where).toEqual([{ type: 'filter', filter: { kind: 'null-embed', negated: true, aggAlias: 'films_reviews_1' } }])
  })

  it('resolves json paths: arrows on json columns, to_jsonb() on others, with automatic aliases', () => {
    const sel = plan('select=meta->>lang,tags->0,title->>x').root.select
    expect(sel.map((s) => [s.alias, s.field.toJson])).toEqual([['lang', false], ['tags', true], ['x', true]])
  })
})

describe('planRead: errors', () => {
  it.each([
    ['select=directorz(*)', 'films', 400, 'PGRST200', "Perhaps you meant 'directors' instead of 'directorz'."],
    ['select=users(*)', 'messages', 300, 'PGRST201', "Try changing 'users' to one of the following: 'users!messages_sender_id_fkey', 'users!messages_recipient_id_fkey'. Find the desired relationship in the 'details' key."],
    ['select=id&actors.name=eq.x', 'films', 400, 'PGRST108', "Verify that 'actors' is included in the 'select' query parameter."],
    ['select=id,reviews(id)&order=reviews(id)', 'films', 400, 'PGRST118', null],
    ['select=id,...reviews(id)', 'films', 400, 'PGRST119', null],
    ['select=rating.sum()', 'films', 400, 'PGRST123', null],
    ['select=titel', 'films', 400, '42703', 'Perhaps you meant to reference the column "films.title".'],
    ['select=id,directors(nme)', 'films', 400, '42703', 'Perhaps you meant to reference the column "directors_1.name".'],
    ['order=zzz', 'films', 400, '42703', null],
    ['select=title::text from films', 'films', 400, 'PGRST100', null],
  ])('%s on %s → %s %s', (query, table, status, code, hint) => {
    const e = err(query, table)
    expect([e.status, e.code, e.hint]).toEqual([status, code, hint])
  })

  it('reports an unknown table as PGRST205 with a suggestion', () => {
    expect(err('', 'flims')).toEqual({
      status: 404, code: 'PGRST205', message: "Could not find the table 'public.flims' in the schema cache", details: null, hint: "Perhaps you meant the table 'public.films'",
    })
  })

  it('gives PostgREST’s PGRST201 details and PGRST200 details', () => {
    expect(err('select=users(*)', 'messages').details).toEqual([
      { cardinality: 'many-to-one', embedding: 'messages with users', relationship: 'messages_sender_id_fkey using messages(sender_id) and users(id)' },
      { cardinality: 'many-to-one', embedding: 'messages with users', relationship: 'messages_recipient_id_fkey using messages(recipient_id) and users(id)' },
    ])
    expect(err('select=directors!nope(*)').details).toBe(
      "Searched for a foreign key relationship between 'films' and 'directors' using the hint 'nope' in the schema 'public', but no matches were found.",
    )
  })

  it('limits embed depth and filter count, with parameters', () => {
    const ctx = { ...filmsContext, limits: { maxEmbedDepth: 2, maxFilters: 3 } }
    expect(err('select=id,reviews(users(reviews(id)))', 'films', ctx)).toMatchObject({ status: 400, details: 'Embedding depth 3 exceeds the maximum of 2' })
    expect(err('id=gt.1&id=lt.9&or=(year.eq.1,year.eq.2)', 'films', ctx)).toMatchObject({ status: 400, details: '4 filters exceed the maximum of 3' })
  })

  it('bounds logic nesting, json path length and select width below Postgres’ own limits', () => {
    const ctx = { ...filmsContext, limits: { maxLogicDepth: 2, maxJsonPath: 2, maxSelectItems: 3 } }
    expect(err('or=(and(or(id.eq.1)))', 'films', ctx)).toMatchObject({ status: 400, details: 'Logic tree depth 3 exceeds the maximum of 2' })
    expect(err('select=meta->a->b->c', 'films', ctx)).toMatchObject({ status: 400, details: 'JSON path of 3 steps exceeds the maximum of 2' })
    expect(err('select=id,id,id,directors(id)', 'films', ctx)).toMatchObject({ status: 400, details: '4 select items exceed the maximum of 3' })
  })

  it('rejects unknown preferences under handling=strict (PGRST122)', () => {
    const e = apiErrorOf(() => planRead(filmsContext, 'films', request('GET', '', { prefer: 'handling=strict, foo' })))
    expect(e).toMatchObject({ status: 400, code: 'PGRST122', details: 'Invalid preferences: foo' })
  })
})

describe('planRead: max rows', () => {
  it('caps every level when maxRows is set', () => {
    const p = planRead({ ...filmsContext, limits: { maxRows: 50 } }, 'films', request('GET', 'select=id,reviews(id)&limit=100'))
    expect(p.root.range).toEqual({ offset: 0, limit: 50 })
    expect(p.root.children[0]?.range).toEqual({ offset: 0, limit: 50 })
  })
})
