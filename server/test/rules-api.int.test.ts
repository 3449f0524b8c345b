/**
 * Issue 5, rules: the /admin/v1 rules API (who may call it, rules as data, templates, a bad
 * expression changes nothing), RLS on/off and the warnings listing, fail-closed tables from plain
 * SQL (migration 0005's event trigger), and `(select auth.uid())` planned once per statement.
 */
import { Writable } from 'node:stream'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureExposedSchemas } from '../src/db/index.js'
import { buildTestApp, type TestApp } from './app.js'
import { signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, expectErrorShape, sqlOn, USER_A, waitServed } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
const logLines: string[] = []

const policiesOf = (table: string) =>
  sqlOn(t.url, `select policyname, cmd, roles::text, qual, with_check from pg_policies where tablename = $1 order by policyname`, [table])

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, `create table public.todos (id int primary key, owner_id uuid, title text);
                      create table public.open_table (id int primary key)`)
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'))
      done()
    },
  })
  floe = await buildTestApp(t, { LOG_LEVEL: 'warn' }, { logDestination: destination })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('who may use /admin/v1', () => {
  it('refuses no credentials, the anon key and a plain user; accepts the service key and an admin user', async () => {
    const noKey = await call(floe, 'GET', '/admin/v1/rules/warnings', {})
    expect(noKey.status).toBe(401)
    const anon = await call(floe, 'GET', '/admin/v1/rules/warnings', floe.anon)
    expect(anon.status).toBe(401)
    expectErrorShape(anon.body, 'UNAUTHENTICATED')
    // A forged claim is not enough: the account is read again.
    const forged = await call(floe, 'GET', '/admin/v1/rules/warnings', await floe.asUser({ sub: USER_A, user_role: 'admin', session_id: USER_A }))
    expect(forged.status).toBe(403)
    expectErrorShape(forged.body, 'FORBIDDEN')
    expect((await call(floe, 'GET', '/admin/v1/rules/warnings', floe.service)).status).toBe(200)

    await signUpVerified(floe, 'boss@floe.test', 'a long admin passphrase 1')
    const plain = await signIn(floe, 'boss@floe.test', 'a long admin passphrase 1')
    const asPlain = await call(floe, 'GET', '/admin/v1/rules/warnings', { ...floe.anon, authorization: `Bearer ${plain.access_token}` })
    expect(asPlain.status).toBe(403)
    await sqlOn(t.url, `update auth.users set role = 'admin' where email = 'boss@floe.test'`)
    const admin = await signIn(floe, 'boss@floe.test', 'a long admin passphrase 1')
    const asAdmin = await call(floe, 'GET', '/admin/v1/tables/public.todos/rules', { ...floe.anon, authorization: `Bearer ${admin.access_token}` })
    expect(asAdmin).toEqual({ status: 200, body: [] })
    // Demoted: the same unexpired token is refused at once.
    await sqlOn(t.url, `update auth.users set role = 'user' where email = 'boss@floe.test'`)
    const demoted = await call(floe, 'GET', '/admin/v1/tables/public.todos/rules', { ...floe.anon, authorization: `Bearer ${admin.access_token}` })
    expect(demoted.status).toBe(403)
  })
})

describe('rules as data', () => {
  it('is described in /openapi.json', async () => {
    const doc = (await (await floe.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string }>> }
    expect(doc.paths['/admin/v1/tables/{table}/rules']?.post?.operationId).toBe('admin.createRule')
    expect(doc.paths['/admin/v1/rules/explain']?.post?.operationId).toBe('admin.explainRules')
  })

  it('creates, lists, changes and drops rules; templates use (select auth.uid())', async () => {
    const created = await call(floe, 'POST', '/admin/v1/tables/public.todos/rules', floe.service, {
      name: 'todos_owner',
      template: { kind: 'owner_write_public_read', column: 'owner_id' },
    })
    expect(created.status).toBe(201)
    expect(created.body).toEqual([
      { name: 'todos_owner_read', operation: 'select', roles: ['anon', 'authenticated'], permissive: true, using: 'true', check: null },
      {
        name: 'todos_owner_write', operation: 'all', roles: ['authenticated'], permissive: true,
        using: '(owner_id = ( SELECT auth.uid() AS uid))', check: '(owner_id = ( SELECT auth.uid() AS uid))',
      },
    ])
    const listed = await call(floe, 'GET', '/admin/v1/tables/public.todos/rules', floe.service)
    expect(listed).toEqual({ status: 200, body: created.body })

    const patched = await call(floe, 'PATCH', '/admin/v1/tables/public.todos/rules/todos_owner_read', floe.service, {
      name: 'todos_signed_in_read', roles: ['authenticated'],
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ name: 'todos_signed_in_read', operation: 'select', roles: ['authenticated'] })
    const retyped = await call(floe, 'PATCH', '/admin/v1/tables/public.todos/rules/todos_signed_in_read', floe.service, { operation: 'delete' })
    expect(retyped.body).toMatchObject({ name: 'todos_signed_in_read', operation: 'delete', using: 'true', check: null })

    expect((await call(floe, 'DELETE', '/admin/v1/tables/public.todos/rules/todos_signed_in_read', floe.service)).status).toBe(204)
    const missing = await call(floe, 'DELETE', '/admin/v1/tables/public.todos/rules/todos_signed_in_read', floe.service)
    expect(missing.status).toBe(404)
    expectErrorShape(missing.body, 'RULES_RULE_NOT_FOUND')
    expect((await policiesOf('todos')).map((p) => p.policyname)).toEqual(['todos_owner_write'])
  })

  it('refuses a bad expression with 400 naming Postgres\' error, and changes nothing', async () => {
    const before = await policiesOf('todos')
    const bad = await call(floe, 'POST', '/admin/v1/tables/public.todos/rules', floe.service, {
      name: 'broken', operation: 'select', roles: ['authenticated'], using: 'owner_idd = auth.uid()',
    })
    expect(bad.status).toBe(400)
    expectErrorShape(bad.body, 'RULES_INVALID_EXPRESSION')
    expect(bad.body.message).toBe('Postgres rejected the rule: column "owner_idd" does not exist')

    // The template's first policy is created, the second fails: the transaction takes both back.
    const halfTemplate = await call(floe, 'POST', '/admin/v1/tables/public.todos/rules', floe.service, {
      name: 'half', template: { kind: 'owner_write_public_read', column: 'no_such_column' },
    })
    expect(halfTemplate.status).toBe(400)
    expectErrorShape(halfTemplate.body, 'RULES_INVALID_EXPRESSION')

    // Expressions are SQL, but only ever one expression of one statement.
    const smuggled = await call(floe, 'POST', '/admin/v1/tables/public.todos/rules', floe.service, {
      name: 'smuggled', operation: 'select', roles: ['anon'], using: 'true); drop table public.todos; select (true',
    })
    expect(smuggled.status).toBe(400)
    expectErrorShape(smuggled.body, 'RULES_INVALID_EXPRESSION')

    const notBoolean = await call(floe, 'PATCH', '/admin/v1/tables/public.todos/rules/todos_owner_write', floe.service, { using: '42' })
    expect(notBoolean.status).toBe(400)
    expectErrorShape(notBoolean.body, 'RULES_INVALID_EXPRESSION')

    expect(await policiesOf('todos')).toEqual(before)
    expect(await sqlOn(t.url, `select to_regclass('public.todos') is not null as ok`)).toEqual([{ ok: true }])
  })

  it('answers bad inputs with 4xx in the shared shape', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/admin/v1/tables/public.nope/rules', { name: 'x', operation: 'select', roles: ['anon'], using: 'true' }, 404, 'RULES_TABLE_NOT_FOUND'],
      // A platform schema is refused by name (rules-api-tables covers storage.objects, the exception).
      ['POST', '/admin/v1/tables/auth.users/rules', { name: 'x', operation: 'select', roles: ['anon'], using: 'true' }, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/tables/public.todos.x/rules', { name: 'x', operation: 'select', roles: ['anon'], using: 'true' }, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/tables/public.todos/rules', { name: 'x', operation: 'select', roles: ['postgres'], using: 'true' }, 400, 'RULES_INVALID_ROLE'],
      ['POST', '/admin/v1/tables/public.todos/rules', { name: 'x', operation: 'select', roles: ['anon'] }, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/tables/public.todos/rules', { name: 'x', operation: 'insert', roles: ['anon'], using: 'true' }, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/tables/public.todos/rules', { name: 'x"; drop', operation: 'select', roles: ['anon'], using: 'true' }, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/tables/public.todos/rules', { name: 'todos_owner_write', operation: 'select', roles: ['anon'], using: 'true' }, 409, 'RULES_RULE_EXISTS'],
      ['POST', '/admin/v1/tables/public.todos/rules', { name: 'x', template: { kind: 'owner_only' } }, 400, 'INVALID_INPUT'],
      ['PATCH', '/admin/v1/tables/public.todos/rules/todos_owner_write', {}, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/tables/public.todos/rls', { enabled: 'yes' }, 400, 'INVALID_INPUT'],
      ['POST', '/admin/v1/rules/explain', { schema: 'public', table: 'todos', operation: 'select', identity: { role: 'postgres', claims: {} } }, 400, 'RULES_INVALID_ROLE'],
      ['POST', '/admin/v1/rules/explain', { schema: 'public', table: 'todos', operation: 'select', identity: { role: 'anon' }, row: { nope: 1 } }, 400, 'INVALID_INPUT'],
    ]
    for (const [method, path, body, status, code] of cases) {
      const res = await call(floe, method, path, floe.service, body)
      expect({ path, body, status: res.status }).toEqual({ path, body, status })
      expectErrorShape(res.body, code)
    }
  })
})

describe('fail closed', () => {
  it('a table created by plain SQL has RLS on and serves nothing to anon or users', async () => {
    await sqlOn(t.url, `create table public.from_sql (id int primary key, body text); insert into public.from_sql values (1, 'hidden');
                        create table public.from_select as select 1 as id;
                        select 1 as id into public.from_select_into;
                        create schema private_stuff; create table private_stuff.inner_table (id int)`)
    const rls = await sqlOn(t.url, `select relname, relrowsecurity from pg_class
                                    where relname in ('from_sql', 'from_select', 'from_select_into', 'inner_table') order by relname`)
    expect(rls).toEqual([
      { relname: 'from_select', relrowsecurity: true },
      { relname: 'from_select_into', relrowsecurity: true },
      { relname: 'from_sql', relrowsecurity: true },
      { relname: 'inner_table', relrowsecurity: false }, // not an exposed schema
    ])
    await waitServed(floe, 'from_sql')
    expect(await call(floe, 'GET', '/rest/v1/from_sql', floe.anon)).toEqual({ status: 200, body: [] })
    expect(await call(floe, 'GET', '/rest/v1/from_sql', await floe.asUser({ sub: USER_A }))).toEqual({ status: 200, body: [] })
    const write = await call(floe, 'POST', '/rest/v1/from_sql', floe.anon, { id: 2, body: 'x' })
    expect(write).toEqual({
      status: 401,
      body: { code: '42501', message: 'new row violates row-level security policy for table "from_sql"', details: null, hint: null },
    })
    expect(await call(floe, 'GET', '/rest/v1/from_sql', floe.service)).toEqual({ status: 200, body: [{ id: 1, body: 'hidden' }] })
  })

  it('a table moved into an exposed schema gets RLS on; turning it off later stays an admin\'s choice', async () => {
    await sqlOn(t.url, `create schema staging; create table staging.moved (id int primary key); insert into staging.moved values (1); grant select on staging.moved to anon;
                        create table staging.stays (id int)`)
    const rlsOf = async (name: string) =>
      (await sqlOn(t.url, `select relrowsecurity as rls from pg_class where oid = '${name}'::regclass`))[0]
    expect(await rlsOf('staging.moved')).toEqual({ rls: false })
    await sqlOn(t.url, 'alter table staging.moved set schema public; alter table staging.stays rename to stays_renamed')
    expect(await rlsOf('public.moved')).toEqual({ rls: true })
    expect(await rlsOf('staging.stays_renamed')).toEqual({ rls: false })
    await waitServed(floe, 'moved')
    expect(await call(floe, 'GET', '/rest/v1/moved', floe.anon)).toEqual({ status: 200, body: [] })
    // An explicit DISABLE, and any later ALTER of the table, are left alone.
    await sqlOn(t.url, 'alter table public.moved disable row level security; alter table public.moved add column note text')
    expect(await rlsOf('public.moved')).toEqual({ rls: false })
    // Moved out and back in again: closed again.
    await sqlOn(t.url, 'alter table public.moved set schema staging; alter table staging.moved set schema public')
    expect(await rlsOf('public.moved')).toEqual({ rls: true })
  })

  it('follows the configured exposed schemas (FLOE_DB_SCHEMAS, written at boot)', async () => {
    await sqlOn(t.url, 'create schema api')
    await ensureExposedSchemas(floe.database.pool, ['public', 'api'])
    await sqlOn(t.url, 'create table api.things (id int); create table private_stuff.later (id int)')
    await ensureExposedSchemas(floe.database.pool, ['public'])
    await sqlOn(t.url, 'create table api.after (id int)')
    const rls = await sqlOn(t.url, `select n.nspname || '.' || c.relname as name, c.relrowsecurity as rls from pg_class c
                                    join pg_namespace n on n.oid = c.relnamespace where c.relname in ('things', 'later', 'after') order by 1`)
    expect(rls).toEqual([
      { name: 'api.after', rls: false },
      { name: 'api.things', rls: true },
      { name: 'private_stuff.later', rls: false },
    ])
  })

  it('lists exposed tables with RLS off or no rule; turning RLS off is logged with who did it', async () => {
    const warnings = await call(floe, 'GET', '/admin/v1/rules/warnings', floe.service)
    const tables = (warnings.body as { table: string; problem: string }[]).map((w) => `${w.table}:${w.problem}`)
    expect(tables).toContain('from_sql:no_policy')
    expect(tables).not.toContain('todos:no_policy')

    const off = await call(floe, 'POST', '/admin/v1/tables/public.open_table/rls', floe.service, { enabled: false })
    expect(off).toEqual({ status: 200, body: { schema: 'public', table: 'open_table', rls_enabled: false } })
    const after = await call(floe, 'GET', '/admin/v1/rules/warnings', floe.service)
    expect(after.body).toContainEqual({
      schema: 'public', table: 'open_table', rls_enabled: false, policy_count: 0, problem: 'rls_disabled',
      message: 'Row-level security is off: every role with a grant reads and writes every row',
    })
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.table === 'public.open_table')
    expect(logged).toMatchObject({ level: 40, identity: { role: 'service_role', via: 'service-key', sub: null } })

    const on = await call(floe, 'POST', '/admin/v1/tables/public.open_table/rls', floe.service, { enabled: true })
    expect(on.body).toMatchObject({ rls_enabled: true })

    // A view over a table with rules runs as its owner unless security_invoker is set.
    await sqlOn(t.url, `create view public.todos_view as select * from public.todos;
                        create view public.todos_invoker with (security_invoker = true) as select * from public.todos`)
    const views = (await call(floe, 'GET', '/admin/v1/rules/warnings', floe.service)).body as { table: string; problem: string }[]
    expect(views.filter((w) => w.problem === 'view_bypasses_rls').map((w) => w.table)).toEqual(['todos_view'])
  })
})

describe('auth.uid() once per statement', () => {
  it('auth.* helpers are STABLE', async () => {
    const rows = await sqlOn(t.url, `select proname, provolatile from pg_proc where pronamespace = 'auth'::regnamespace
                                      and proname in ('jwt', 'uid', 'role', 'email') order by proname`)
    expect(rows).toEqual(['email', 'jwt', 'role', 'uid'].map((proname) => ({ proname, provolatile: 's' })))
  })

  it('on 10,000 rows, (select auth.uid()) is an InitPlan evaluated once; auth.uid() runs per row', async () => {
    await sqlOn(t.url, `
      create table public.per_row (id int primary key, owner_id uuid);
      create table public.per_statement (id int primary key, owner_id uuid);
      insert into public.per_row select i, case when i % 2 = 0 then '${USER_A}'::uuid else gen_random_uuid() end from generate_series(1, 10000) i;
      insert into public.per_statement select * from public.per_row;
      create policy per_row_owner on public.per_row for select to authenticated using (owner_id = auth.uid());
      analyze public.per_row; analyze public.per_statement;`)
    const tmpl = await call(floe, 'POST', '/admin/v1/tables/public.per_statement/rules', floe.service, {
      name: 'per_statement_owner', template: { kind: 'owner_only', column: 'owner_id' },
    })
    expect(tmpl.status).toBe(201)

    const explain = async (table: string) => {
      const client = new pg.Client({ connectionString: t.url })
      await client.connect()
      try {
        await client.query('begin')
        await client.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
          JSON.stringify({ sub: USER_A, role: 'authenticated' }),
        ])
        const times: number[] = []
        let plan = ''
        for (let i = 0; i < 5; i++) {
          const r = await client.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, format json) select count(*) from public.${table}`)
          const json = r.rows[0]!['QUERY PLAN'] as [{ 'Execution Time': number }]
          times.push(json[0]['Execution Time'])
          plan = JSON.stringify(json)
        }
        const count = await client.query<{ n: string }>(`select count(*) as n from public.${table}`)
        await client.query('rollback')
        return { plan, ms: Math.min(...times), visible: Number(count.rows[0]!.n) }
      } finally {
        await client.end()
      }
    }
    const perRow = await explain('per_row')
    const perStatement = await explain('per_statement')
    console.log(`[rules] 10,000 rows, count(*) as user A: auth.uid() = owner_id ${perRow.ms.toFixed(2)} ms; (select auth.uid()) ${perStatement.ms.toFixed(2)} ms (best of 5, EXPLAIN ANALYZE execution time)`)
    expect(perRow.visible).toBe(5000)
    expect(perStatement.visible).toBe(5000)
    expect(perStatement.plan).toContain('InitPlan')
    expect(perRow.plan).not.toContain('InitPlan')
  })
})
