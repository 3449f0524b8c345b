import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'

let t: TestDatabase
let floe: TestApp

interface Seen {
  current_user: string
  uid: string | null
  role: string | null
  claims_sub: string | null
}

beforeAll(async () => {
  t = await createTestDatabase()
  floe = await buildTestApp(t, { DATABASE_POOL_MAX: '4' })
  // A route that runs SQL the way every module does: inside withRequestRole.
  floe.app.get('/test/sql', async (c) => {
    const seen = await floe.withRequestRole(c.var.identity!, async (trx) => {
      const r = await sql<Seen & { slept?: string }>`select current_user, auth.uid()::text as uid, auth.role() as role,
                                 auth.jwt() ->> 'sub' as claims_sub, pg_sleep(random() * 0.005)::text as slept`.execute(trx)
      const { slept: _slept, ...row } = r.rows[0]!
      return row
    })
    return c.json(seen)
  })
  // The same through the one-round-trip pipeline the data API uses.
  floe.app.get('/test/pipe', async (c) => {
    const rows = await floe.runStatement(c.var.identity!, {
      text: `select current_user, auth.uid()::text as uid, auth.role() as role, auth.jwt() ->> 'sub' as claims_sub where $1::int > 0`,
      values: [1],
    })
    return c.json(rows[0])
  })
  // auth.uid() three ways in one request: as the request set it (the fast path of migration
  // 0025), with the fast path's settings cleared (the claims parsed), and after the claims were
  // changed by hand inside the transaction.
  floe.app.get('/test/uid', async (c) => {
    return c.json(
      await floe.withRequestRole(c.var.identity!, async (trx) => {
        const fast = await sql<{ uid: string | null; floe_uid: string }>`select auth.uid()::text as uid, current_setting('floe.uid') as floe_uid`.execute(trx)
        await sql`select set_config('floe.uid_claims', '', true)`.execute(trx)
        const slow = await sql<{ uid: string | null }>`select auth.uid()::text as uid`.execute(trx)
        await sql`select set_config('floe.uid_claims', current_setting('request.jwt.claims'), true)`.execute(trx)
        const other = c.req.query('other') ?? ''
        await sql`select set_config('request.jwt.claims', json_build_object('sub', ${other}::text)::text, true)`.execute(trx)
        const changed = await sql<{ uid: string | null }>`select auth.uid()::text as uid`.execute(trx)
        return { fast: fast.rows[0]!.uid, floeUid: fast.rows[0]!.floe_uid, slow: slow.rows[0]!.uid, changed: changed.rows[0]!.uid }
      }),
    )
  })
  floe.app.get('/test/pipefail', async (c) => {
    await floe.runStatement(c.var.identity!, { text: 'select 1 / $1::int', values: [0] })
    return c.json({})
  })
  floe.app.get('/test/fail', async (c) => {
    await floe.withRequestRole(c.var.identity!, async (trx) => {
      await sql`select 1 / 0`.execute(trx)
    })
    return c.json({})
  })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('withRequestRole', () => {
  it('makes auth.uid() return the JWT sub inside the request SQL', async () => {
    const sub = '0b7c0f4a-8a8e-4d8e-9d57-1b2a3c4d5e6f'
    const res = await floe.app.request('/test/sql', { headers: await floe.asUser({ sub }) })
    expect(await res.json()).toEqual({ current_user: 'authenticated', uid: sub, role: 'authenticated', claims_sub: sub })
  })

  it('never leaks a role or claims to the next request on a pooled connection', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    const callers: { headers: Record<string, string>; expected: Seen }[] = [
      { headers: floe.anon, expected: { current_user: 'anon', uid: null, role: 'anon', claims_sub: null } },
      { headers: floe.service, expected: { current_user: 'service_role', uid: null, role: 'service_role', claims_sub: null } },
    ]
    for (const sub of users) {
      callers.push({ headers: await floe.asUser({ sub }), expected: { current_user: 'authenticated', uid: sub, role: 'authenticated', claims_sub: sub } })
    }
    // 300 requests over a pool of 4 connections, interleaved, through both transaction paths,
    // some failing midway.
    const jobs = Array.from({ length: 300 }, (_, i) => callers[i % callers.length]!)
    const results = await Promise.all(
      jobs.map(async (caller, i) => {
        if (i % 7 === 0) {
          const r = await floe.app.request(i % 2 ? '/test/fail' : '/test/pipefail', { headers: caller.headers })
          return { ok: r.status === 400, caller, seen: undefined }
        }
        const r = await floe.app.request(i % 3 ? '/test/sql' : '/test/pipe', { headers: caller.headers })
        return { ok: r.status === 200, caller, seen: (await r.json()) as Seen }
      }),
    )
    expect(results.filter((r) => !r.ok)).toEqual([])
    for (const r of results) if (r.seen) expect(r.seen).toEqual(r.caller.expected)

    // Every pooled connection is back to the server's own role with no claims.
    const clients = await Promise.all(Array.from({ length: 4 }, () => floe.database.pool.connect()))
    try {
      for (const client of clients) {
        const { rows } = await client.query(`select current_user = session_user as same, current_setting('request.jwt.claims', true) as claims`)
        expect(rows[0]).toEqual({ same: true, claims: '' })
      }
    } finally {
      for (const client of clients) client.release()
    }
  })

  it("gives auth.uid() from the request's settings, and from the claims whenever they are changed in SQL", async () => {
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'
    const cases: [string, string | null][] = [
      ['0b7c0f4a-8a8e-4d8e-9d57-1b2a3c4d5e6f', '0b7c0f4a-8a8e-4d8e-9d57-1b2a3c4d5e6f'],
      ['0B7C0F4A-8A8E-4D8E-9D57-1B2A3C4D5E6F', '0b7c0f4a-8a8e-4d8e-9d57-1b2a3c4d5e6f'],
      ['not-a-uuid', null],
      ['0b7c0f4a-8a8e-4d8e-9d57-1b2a3c4d5e6f\n', null],
      [' 0b7c0f4a-8a8e-4d8e-9d57-1b2a3c4d5e6f', null],
    ]
    for (const [sub, uid] of cases) {
      const res = await floe.app.request(`/test/uid?other=${other}`, { headers: await floe.asUser({ sub }) })
      expect(res.status).toBe(200)
      // The fast path answers as the claims do; the request set it (floe.uid), and claims changed
      // by hand win over it.
      expect(await res.json()).toEqual({ fast: uid, floeUid: uid === null ? '' : sub, slow: uid, changed: other })
    }
    for (const headers of [floe.anon, floe.service]) {
      const res = await floe.app.request(`/test/uid?other=${other}`, { headers })
      expect(await res.json()).toEqual({ fast: null, floeUid: '', slow: null, changed: other })
    }
  })

  it('maps a SQL error inside the request to a 4xx body', async () => {
    const res = await floe.app.request('/test/fail', { headers: floe.anon })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: '22012', message: 'division by zero', details: null, hint: null })
  })
})
