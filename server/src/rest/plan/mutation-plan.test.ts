import { describe, expect, it } from 'vitest'
import { apiErrorOf, filmsContext, request } from '../test-fixtures/requests.js'
import { planMutation } from './mutation-plan.js'

const json = { 'content-type': 'application/json' }
const plan = (method: string, query: string, body: string | undefined, prefer = '', table = 'films') =>
  planMutation(filmsContext, table, request(method, query, prefer === '' ? json : { ...json, prefer }, body))

describe('planMutation', () => {
  it('plans an insert: columns from the body, returning what select= and its embeds need', () => {
    const p = plan('POST', 'select=title,directors(name)', '{"title":"x","director_id":1}', 'return=representation')
    expect(p.kind).toBe('insert')
    expect(p.columns.map((c) => c.name)).toEqual(['director_id', 'title'])
    expect(p.returning).toEqual(['director_id', 'id', 'title'])
    expect(p.read.root.ref).toEqual({ kind: 'alias', name: 'films' })
    expect(p.read.root.fromSource).toBe(true)
  })

  it('returns nothing for return=minimal (the default) and * for select=*', () => {
    expect(plan('POST', '', '{"title":"x"}').returning).toEqual([])
    expect(plan('POST', '', '{"title":"x"}', 'return=representation').returning).toEqual(['*'])
  })

  it('plans upserts from Prefer resolution + on_conflict, defaulting to the primary key', () => {
    expect(plan('POST', '', '{"id":1}', 'resolution=merge-duplicates').onConflict).toEqual({ resolution: 'merge-duplicates', columns: ['id'] })
    expect(plan('POST', 'on_conflict=title', '{"id":1}', 'resolution=ignore-duplicates').onConflict).toEqual({ resolution: 'ignore-duplicates', columns: ['title'] })
    expect(plan('POST', '', '{"id":1}').onConflict).toBeUndefined()
  })

  it('keeps root filters on the statement and embedded ones on the read', () => {
    const p = plan('PATCH', 'id=eq.1&select=id,reviews(id)&reviews.stars=gt.3', '{"title":"y"}', 'return=representation')
    expect(p.where).toHaveLength(1)
    expect(p.read.root.where).toEqual([])
    expect(p.read.root.children[0]?.where).toHaveLength(1)
  })

  it.each([
    ['POST', '', '{"nope":1}', 'PGRST204', "Could not find the 'nope' column of 'films' in the schema cache"],
    ['POST', 'columns=title,nope', '[{"title":"x"}]', 'PGRST204', "Could not find the 'nope' column of 'films' in the schema cache"],
    ['PUT', 'title=eq.x', '{"id":1}', 'PGRST105', "Filters must include all and only primary key columns with 'eq' operators"],
    ['PUT', 'id=gt.1', '{"id":1}', 'PGRST105', "Filters must include all and only primary key columns with 'eq' operators"],
    ['POST', 'on_conflict=nope', '{"id":1}', '42703', 'column "nope" does not exist'],
  ])('%s %s %s → %s', (method, query, body, code, message) => {
    const prefer = query.startsWith('on_conflict') ? 'resolution=merge-duplicates' : ''
    expect(apiErrorOf(() => plan(method, query, body, prefer))).toMatchObject({ code, message })
  })

  it('refuses writes a view cannot take with 405, in Postgres’ words', () => {
    expect(apiErrorOf(() => plan('POST', '', '{"id":1}', '', 'film_view'))).toMatchObject({ status: 405, code: '55000', message: 'cannot insert into view "film_view"' })
    expect(apiErrorOf(() => plan('DELETE', 'id=eq.1', undefined, '', 'film_view'))).toMatchObject({ status: 405, message: 'cannot delete from view "film_view"' })
  })

  it('plans PUT as a merge on the primary key with the filters as body conditions', () => {
    const p = plan('PUT', 'id=eq.1', '{"id":1,"title":"t"}')
    expect(p).toMatchObject({ kind: 'upsert', onConflict: { resolution: 'merge-duplicates', columns: ['id'] }, applyDefaults: false })
    expect(p.where).toHaveLength(1)
  })

  it('asks for the Location data only on POST with return=headers-only', () => {
    expect(plan('POST', '', '{"id":1}', 'return=headers-only')).toMatchObject({ wantsLocation: true, returning: ['*'] })
    expect(plan('POST', '', '{"id":1}', 'return=representation').wantsLocation).toBe(false)
  })
})
