/**
 * Issue 5 acceptance: the rules matrix. Three tables created by plain SQL (closed by migration
 * 0005's trigger), each opened by one template through /admin/v1, then every cell of
 * anon / user A / user B / service × select / insert / update / delete asserted through /rest/v1:
 * exact status and body, and no row of one user in the other's answers. Writes carry
 * `Prefer: tx=rollback` so every cell starts from the same rows. Then the explainer says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, sqlOn, USER_A as A, USER_B as B } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
const headers: Record<Actor, Record<string, string>> = {} as never

type Actor = 'anon' | 'A' | 'B' | 'service'
type Op = 'select' | 'insert own' | "insert A's" | "update A's" | "delete A's"
type Outcome = { status: number; body: unknown }

const TABLES = {
  posts: { owner: 'author_id', template: 'public_read' },
  diaries: { owner: 'owner_id', template: 'owner_only' },
  comments: { owner: 'author_id', template: 'owner_write_public_read' },
} as const
type Table = keyof typeof TABLES

const row = (table: Table, id: number, owner: string | null, text = `${table} ${id}`) => ({ id, [TABLES[table].owner]: owner, text })
const seed = (table: Table) => [row(table, 1, A), row(table, 2, B)]
const uidOf = (actor: Actor) => (actor === 'A' ? A : actor === 'B' ? B : actor === 'service' ? A : null)

const rlsDenied = (actor: Actor, table: Table): Outcome => ({
  status: actor === 'anon' ? 401 : 403,
  body: { code: '42501', message: `new row violates row-level security policy for table "${table}"`, details: null, hint: null },
})
const ok = (status: number, body: unknown): Outcome => ({ status, body })

/** Who may do what, per template. `true` = allowed; otherwise the refusal PostgREST gives. */
function expected(table: Table, actor: Actor, op: Op): Outcome {
  const all = seed(table)
  const mine = all.filter((r) => r[TABLES[table].owner] === uidOf(actor))
  const ownerOnly = table === 'diaries'
  const canRead = actor === 'service' || !ownerOnly
  const canWriteOwn = actor === 'service' || (table !== 'posts' && actor !== 'anon')
  const canTouchA = actor === 'service' || (actor === 'A' && table !== 'posts')
  switch (op) {
    case 'select':
      return ok(200, canRead ? all : actor === 'anon' ? [] : mine)
    case 'insert own':
      return canWriteOwn ? ok(201, [row(table, 10, uidOf(actor))]) : rlsDenied(actor, table)
    case "insert A's":
      return canTouchA ? ok(201, [row(table, 10, A)]) : rlsDenied(actor, table)
    case "update A's":
      return ok(200, canTouchA ? [row(table, 1, A, 'changed')] : [])
    case "delete A's":
      return ok(200, canTouchA ? [row(table, 1, A)] : [])
  }
}

function request(table: Table, actor: Actor, op: Op) {
  const prefer = { prefer: 'return=representation, tx=rollback' }
  const h = { ...headers[actor], ...prefer }
  switch (op) {
    case 'select':
      return call(floe, 'GET', `/rest/v1/${table}?order=id`, headers[actor])
    case 'insert own':
      return call(floe, 'POST', `/rest/v1/${table}`, h, row(table, 10, uidOf(actor)))
    case "insert A's":
      return call(floe, 'POST', `/rest/v1/${table}`, h, row(table, 10, A))
    case "update A's":
      return call(floe, 'PATCH', `/rest/v1/${table}?id=eq.1`, h, { text: 'changed' })
    case "delete A's":
      return call(floe, 'DELETE', `/rest/v1/${table}?id=eq.1`, h)
  }
}

beforeAll(async () => {
  t = await createTestDatabase()
  const ddl = Object.entries(TABLES).map(([name, { owner }]) => `create table public.${name} (id int primary key, ${owner} uuid, text text);
     insert into public.${name} values (1, '${A}', '${name} 1'), (2, '${B}', '${name} 2');`)
  await sqlOn(t.url, ddl.join('\n'))
  floe = await buildTestApp(t)
  Object.assign(headers, {
    anon: floe.anon,
    A: await floe.asUser({ sub: A, email: 'a@floe.test' }),
    B: await floe.asUser({ sub: B, email: 'b@floe.test' }),
    service: floe.service,
  })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('rules matrix through /rest/v1', () => {
  it('before any rule, the new tables serve nothing to anon or users (fail closed)', async () => {
    for (const table of Object.keys(TABLES)) {
      expect(await call(floe, 'GET', `/rest/v1/${table}`, headers.anon)).toEqual({ status: 200, body: [] })
      expect(await call(floe, 'GET', `/rest/v1/${table}`, headers.A)).toEqual({ status: 200, body: [] })
    }
  })

  it('opens each table with its template', async () => {
    for (const [table, { owner, template }] of Object.entries(TABLES)) {
      const res = await call(floe, 'POST', `/admin/v1/tables/public.${table}/rules`, floe.service, {
        name: `${table}_rule`,
        template: { kind: template, column: owner },
      })
      expect(res.status).toBe(201)
    }
  })

  const actors: Actor[] = ['anon', 'A', 'B', 'service']
  const ops: Op[] = ['select', 'insert own', "insert A's", "update A's", "delete A's"]
  const cells = (Object.keys(TABLES) as Table[]).flatMap((table) => actors.flatMap((actor) => ops.map((op) => [table, actor, op] as const)))

  it.each(cells)('%s × %s × %s', async (table, actor, op) => {
    const res = await request(table, actor, op)
    expect(res).toEqual(expected(table, actor, op))
    // No leak: an owner-only table never shows a user another user's row.
    if (table === 'diaries' && (actor === 'A' || actor === 'B')) {
      expect(JSON.stringify(res.body)).not.toContain(actor === 'A' ? B : A)
    }
  })

  it('left every table as seeded (each write cell rolled back)', async () => {
    for (const table of Object.keys(TABLES) as Table[]) {
      expect(await call(floe, 'GET', `/rest/v1/${table}?order=id`, floe.service)).toEqual({ status: 200, body: seed(table) })
    }
  })

  it('a committed write follows the same rules', async () => {
    const created = await call(floe, 'POST', '/rest/v1/diaries', { ...headers.B, prefer: 'return=representation' }, row('diaries', 3, B, 'b secret'))
    expect(created).toEqual({ status: 201, body: [row('diaries', 3, B, 'b secret')] })
    expect((await call(floe, 'GET', '/rest/v1/diaries?order=id', headers.A)).body).toEqual([row('diaries', 1, A)])
    expect((await call(floe, 'GET', '/rest/v1/diaries?id=eq.3', headers.anon)).body).toEqual([])
  })
})

describe('rule explainer', () => {
  const explain = (body: Record<string, unknown>) => call(floe, 'POST', '/admin/v1/rules/explain', floe.service, { schema: 'public', ...body })
  const claimsOf = (sub: string) => ({ sub, role: 'authenticated' })

  it("says why user B does not see user A's row", async () => {
    const res = await explain({ table: 'diaries', operation: 'select', identity: { role: 'authenticated', claims: claimsOf(B) }, row: { id: 1 } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      schema: 'public', table: 'diaries', operation: 'select', role: 'authenticated',
      rls_enabled: true, bypasses_rls: false, granted: true, row_found: true,
      outcome: 'hidden',
      reason: "For authenticated, no rule's using expression is true for this row (diaries_rule)",
      policies: [{
        name: 'diaries_rule', operation: 'all', roles: ['authenticated'], permissive: true, applies: true,
        using: '(owner_id = ( SELECT auth.uid() AS uid))', using_result: false,
        check: '(owner_id = ( SELECT auth.uid() AS uid))', check_result: null, error: null,
      }],
    })
  })

  it('and why A does, anon does not, the service role does, and B may not insert as A', async () => {
    const a = await explain({ table: 'diaries', operation: 'select', identity: { role: 'authenticated', claims: claimsOf(A) }, row: { id: 1 } })
    expect(a.body).toMatchObject({ outcome: 'visible', reason: 'Allowed by diaries_rule', policies: [{ using_result: true }] })
    const anon = await explain({ table: 'diaries', operation: 'select', identity: { role: 'anon', claims: {} }, row: { id: 1 } })
    expect(anon.body).toMatchObject({ outcome: 'hidden', reason: 'No rule allows anon to select rows of this table', policies: [{ applies: false, using_result: null }] })
    const service = await explain({ table: 'diaries', operation: 'delete', identity: { role: 'service_role', claims: {} }, row: { id: 1 } })
    expect(service.body).toMatchObject({ outcome: 'allowed', bypasses_rls: true })
    const forge = await explain({ table: 'diaries', operation: 'insert', identity: { role: 'authenticated', claims: claimsOf(B) }, row: { id: 9, owner_id: A } })
    expect(forge.body).toMatchObject({ outcome: 'denied', row_found: null, policies: [{ check_result: false }] })
    const publicRead = await explain({ table: 'comments', operation: 'select', identity: { role: 'anon', claims: {} }, row: { id: 2 } })
    expect(publicRead.body).toMatchObject({ outcome: 'visible', reason: 'Allowed by comments_rule_read' })
    const missing = await explain({ table: 'diaries', operation: 'select', identity: { role: 'authenticated', claims: claimsOf(A) }, row: { id: 99 } })
    expect(missing.body).toMatchObject({ outcome: 'hidden', row_found: false })
  })

  it('names a missing privilege before any rule, and changes nothing', async () => {
    await sqlOn(t.url, 'revoke select on public.posts from anon')
    try {
      const res = await explain({ table: 'posts', operation: 'select', identity: { role: 'anon', claims: {} }, row: { id: 1 } })
      expect(res.body).toMatchObject({ outcome: 'not_permitted', granted: false })
    } finally {
      await sqlOn(t.url, 'grant select on public.posts to anon')
    }
    expect(await call(floe, 'GET', '/rest/v1/diaries?order=id', floe.service)).toEqual({
      status: 200,
      body: [row('diaries', 1, A), row('diaries', 2, B), row('diaries', 3, B, 'b secret')],
    })
  })
})
