/**
 * Conformance: row-level security and privileges through `/rest/v1` (issue 4, point 5 and the
 * RLS acceptance bullet), as an access matrix over `notes` (policy `owner_id = auth.uid()` for
 * `authenticated`) and `secrets` (no privileges for the request roles). Error bodies follow
 * PostgREST 12 (v12.2.12): Auth/AuthSpec.hs ("permission denied for table ...", 401 with
 * `WWW-Authenticate: Bearer` for anon, 403 otherwise) and Error.hs (42501).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALICE, BOB, setupRest, type Client, type RestHarness } from './setup.js'

let h: RestHarness
let alice: Client
let bob: Client

beforeAll(async () => {
  h = await setupRest()
  alice = await h.asUser(ALICE)
  bob = await h.asUser(BOB)
})
afterAll(async () => {
  await h?.close()
})

const rlsViolation = { code: '42501', message: 'new row violates row-level security policy for table "notes"', details: null, hint: null }

describe('notes: owner-only rows', () => {
  it('each user sees only their own rows; anon sees none; the service role sees all', async () => {
    const a = await alice.from('notes').select('*').order('id')
    expect(a.status).toBe(200)
    expect(a.data).toEqual([
      { id: 1, owner_id: ALICE, body: 'alice note 1' },
      { id: 2, owner_id: ALICE, body: 'alice note 2' },
    ])
    const b = await bob.from('notes').select('*').order('id')
    expect(b.data).toEqual([{ id: 3, owner_id: BOB, body: 'bob note' }])
    const anon = await h.anon.from('notes').select('*', { count: 'exact' })
    expect(anon.status).toBe(200)
    expect(anon.data).toEqual([])
    expect(anon.count).toBe(0)
    const service = await h.service.from('notes').select('id').order('id')
    expect(service.data).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
  })

  it("filters cannot reach another user's rows", async () => {
    const { data, status } = await bob.from('notes').select('*').eq('id', 1)
    expect(status).toBe(200)
    expect(data).toEqual([])
    const single = await bob.from('notes').select('*').eq('id', 1).single()
    expect(single.status).toBe(406)
  })

  it("PATCH of another user's row changes nothing", async () => {
    const { data, status } = await bob.from('notes').update({ body: 'pwned' }).eq('id', 1).select()
    expect(status).toBe(200)
    expect(data).toEqual([])
    const still = await alice.from('notes').select('body').eq('id', 1)
    expect(still.data).toEqual([{ body: 'alice note 1' }])
  })

  it("DELETE of another user's row deletes nothing", async () => {
    const { data, status } = await bob.from('notes').delete().eq('id', 2).select()
    expect(status).toBe(200)
    expect(data).toEqual([])
    const anonDelete = await h.anon.from('notes').delete().eq('id', 2).select()
    expect(anonDelete.data).toEqual([])
    const still = await alice.from('notes').select('id').order('id')
    expect(still.data).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('the owner can update and delete their own rows', async () => {
    const updated = await alice.from('notes').update({ body: 'alice note 1 (edited)' }).eq('id', 1).select()
    expect(updated.status).toBe(200)
    expect(updated.data).toEqual([{ id: 1, owner_id: ALICE, body: 'alice note 1 (edited)' }])
    const deleted = await bob.from('notes').delete().eq('id', 3).select('id, body')
    expect(deleted.data).toEqual([{ id: 3, body: 'bob note' }])
  })

  it('an insert takes owner_id from auth.uid() by default', async () => {
    const { data, status } = await bob.from('notes').insert({ body: 'bob note 2' }).select('owner_id, body')
    expect(status).toBe(201)
    expect(data).toEqual([{ owner_id: BOB, body: 'bob note 2' }])
  })

  it("an authenticated insert for another owner fails WITH CHECK: 403 42501", async () => {
    const { error, status } = await alice.from('notes').insert({ owner_id: BOB, body: 'forged' })
    expect(status).toBe(403)
    expect(error).toEqual(rlsViolation)
  })

  it("an authenticated update moving a row to another owner fails WITH CHECK: 403 42501", async () => {
    const { error, status } = await alice.from('notes').update({ owner_id: BOB }).eq('id', 2)
    expect(status).toBe(403)
    expect(error).toEqual(rlsViolation)
  })

  it('an anon insert fails: 401 42501 with WWW-Authenticate', async () => {
    const { error, status } = await h.anon.from('notes').insert({ owner_id: ALICE, body: 'anon' })
    expect(status).toBe(401)
    expect(error).toEqual(rlsViolation)
    const raw = await h.raw('/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ owner_id: ALICE, body: 'anon' }) })
    expect(raw.status).toBe(401)
    expect(raw.headers.get('www-authenticate')).toBe('Bearer')
  })
})

describe('secrets: no privileges for the request roles', () => {
  // PostgREST's body, with a hint naming the missing grant (Floe's addition; PostgREST sends null).
  const deniedTo = (role: string) => ({
    code: '42501',
    message: 'permission denied for table secrets',
    details: null,
    hint: `Role ${role} has no privilege on table secrets: grant select, insert, update, delete on table secrets to ${role} (with row-level security on, rules then decide which rows)`,
  })

  it('anon: 401', async () => {
    const { data, error, status } = await h.anon.from('secrets').select('*')
    expect(status).toBe(401)
    expect(data).toBeNull()
    expect(error).toEqual(deniedTo('anon'))
  })

  it('authenticated: 403', async () => {
    const { error, status } = await alice.from('secrets').select('*')
    expect(status).toBe(403)
    expect(error).toEqual(deniedTo('authenticated'))
    const write = await alice.from('secrets').insert({ id: 2, value: 'x' })
    expect(write.status).toBe(403)
    expect(write.error).toEqual(deniedTo('authenticated'))
  })

  it('service role: allowed', async () => {
    const { data, status } = await h.service.from('secrets').select('*')
    expect(status).toBe(200)
    expect(data).toEqual([{ id: 1, value: 'the cake is a lie' }])
  })
})
