/**
 * Issue 18: the SQL runner (POST /admin/v1/sql). One transaction per script, as the owner or as
 * a request role (rules decide, auth.uid() from the claims), results with column types, row cap,
 * timeout, errors pointing into the script, transaction control refused, every run audited, and
 * the connection not handed back to the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, expectErrorShape, sqlOn, USER_A, USER_B } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp

interface SqlResult {
  command: string
  row_count: number | null
  columns: { name: string; type: string; type_oid: number }[]
  rows: unknown[][]
  truncated: boolean
}
interface SqlResponse {
  results: SqlResult[]
  notices: { severity: string; message: string }[]
  duration_ms: number
}
type ErrorWithWhere = { code: string; message: string; details: Record<string, unknown>[]; hint: string | null }

const runSql = (body: Record<string, unknown>, headers: Record<string, string> = floe.service) => call(floe, 'POST', '/admin/v1/sql', headers, body)

async function ok(body: Record<string, unknown>): Promise<SqlResponse> {
  const res = await runSql(body)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as SqlResponse
}

async function refused(body: Record<string, unknown>, code: string): Promise<ErrorWithWhere> {
  const res = await runSql(body)
  expect(res.status, JSON.stringify(res.body)).toBe(400)
  expectErrorShape(res.body, code)
  return res.body as ErrorWithWhere
}

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, `create table public.notes (id int primary key, owner_id uuid not null, body text);
                      insert into public.notes values (1, '${USER_A}', 'a1'), (2, '${USER_A}', 'a2'), (3, '${USER_B}', 'b1');
                      create policy notes_owner on public.notes for select to authenticated using (owner_id = (select auth.uid()))`)
  floe = await buildTestApp(t, { LOG_LEVEL: 'warn' })
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('POST /admin/v1/sql', () => {
  it('refuses nobody, the anon key and a signed-in non-admin', async () => {
    expect((await runSql({ query: 'select 1' }, {})).status).toBe(401)
    const anon = await runSql({ query: 'select 1' }, floe.anon)
    expect(anon.status).toBe(401)
    expectErrorShape(anon.body, 'UNAUTHENTICATED')
    await signUpVerified(floe, 'plain@floe.test', 'a long user passphrase 1')
    const plain = await signIn(floe, 'plain@floe.test', 'a long user passphrase 1')
    const asPlain = await runSql({ query: 'select 1' }, { ...floe.anon, authorization: `Bearer ${plain.access_token}` })
    expect(asPlain.status).toBe(403)
    expectErrorShape(asPlain.body, 'FORBIDDEN')
    // An admin user may, and is named in the audit log.
    await sqlOn(t.url, `update auth.users set role = 'admin' where email = 'plain@floe.test'`)
    const admin = await signIn(floe, 'plain@floe.test', 'a long user passphrase 1')
    const asAdmin = await runSql({ query: 'select 7 as by_admin_user' }, { ...floe.anon, authorization: `Bearer ${admin.access_token}` })
    expect(asAdmin.status).toBe(200)
    const audit = await call(floe, 'GET', '/admin/v1/audit?action=sql.run', floe.service)
    expect((audit.body as { sql: string; actor: string }[]).find((e) => e.sql === 'select 7 as by_admin_user')?.actor).toBe('plain@floe.test')
  })

  it('runs a script as the owner in one transaction: one result per statement, with column types', async () => {
    const { results } = await ok({
      query: `create table public.scratch (id bigint primary key, label text, at timestamptz, doc jsonb, raw bytea, ok boolean);
              insert into public.scratch values (1, 'one', '2026-01-02 03:04:05+00', '{"a":[1]}', '\\x0102', true), (2, null, null, null, null, false);
              select id, label, at, doc, raw, ok, 1.5::numeric as n, 2::int4 as i, 'NaN'::float8 as f, array[1,2] as arr from public.scratch order by id`,
    })
    expect(results.map((r) => [r.command, r.row_count])).toEqual([['CREATE TABLE', null], ['INSERT', 2], ['SELECT', 2]])
    const select = results[2]!
    expect(select.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:int8', 'label:text', 'at:timestamptz', 'doc:jsonb', 'raw:bytea', 'ok:bool', 'n:numeric', 'i:int4', 'f:float8', 'arr:int4[]',
    ])
    expect(select.columns[0]!.type_oid).toBe(20)
    expect(select.rows[0]).toEqual(['1', 'one', expect.stringMatching(/^2026-01-02T03:04:05/), { a: [1] }, '\\x0102', true, '1.5', 2, 'NaN', '{1,2}'])
    expect(select.rows[1]!.slice(0, 6)).toEqual(['2', null, null, null, null, false])
    expect(select.truncated).toBe(false)
    expect(await sqlOn(t.url, 'select count(*)::int as n from public.scratch')).toEqual([{ n: 2 }])
  })

  it('keeps two columns of one name apart (rows are arrays)', async () => {
    const { results } = await ok({ query: 'select 1 as x, 2 as x; select 3 as y' })
    expect(results.map((r) => r.rows)).toEqual([[[1, 2]], [[3]]])
  })

  it('runs as anon, authenticated (auth.uid() from the claims) and service_role: the rules decide', async () => {
    const query = 'select id, auth.uid()::text as uid from public.notes order by id'
    // anon: granted, but no rule lets it see a row.
    expect((await ok({ query, role: 'anon' })).results[0]!.rows).toEqual([])
    const asA = await ok({ query, role: 'authenticated', claims: { sub: USER_A } })
    expect(asA.results[0]!.rows).toEqual([[1, USER_A], [2, USER_A]])
    const asB = await ok({ query, role: 'authenticated', claims: { sub: USER_B, role: 'service_role' } })
    expect(asB.results[0]!.rows).toEqual([[3, USER_B]])
    const who = await ok({ query: `select current_user::text, auth.role()`, role: 'authenticated', claims: { sub: USER_B, role: 'service_role' } })
    expect(who.results[0]!.rows).toEqual([['authenticated', 'authenticated']])
    const service = await ok({ query: 'select count(*)::int from public.notes', role: 'service_role' })
    expect(service.results[0]!.rows).toEqual([[3]])
  })

  it('refuses authenticated without claims.sub, a NUL in the query and limits out of range', async () => {
    const body = await refused({ query: 'select 1', role: 'authenticated' }, 'INVALID_INPUT')
    expect(JSON.stringify(body.details)).toContain('claims')
    await refused({ query: 'select 1;\u0000 drop table public.notes' }, 'INVALID_INPUT')
    await refused({ query: 'select 1', max_rows: 10_001 }, 'INVALID_INPUT')
    await refused({ query: 'select 1', timeout_ms: 120_001 }, 'INVALID_INPUT')
    await refused({ query: '' }, 'INVALID_INPUT')
  })

  it('answers a syntax error with where it is, and keeps nothing of the statements before it', async () => {
    const query = 'create table public.never (id int);\ninsert into public.never values (1);\nselect 1;\n  selec 2'
    const body = await refused({ query }, 'SQL_ERROR')
    expect(body.message).toBe('syntax error at or near "selec"')
    expect(body.details[0]).toMatchObject({ sqlstate: '42601', position: query.lastIndexOf('selec') + 1, line: 4, column: 3, statement: 4 })
    expect(await sqlOn(t.url, `select to_regclass('public.never') as t`)).toEqual([{ t: null }])
  })

  it('points at a runtime error in a later statement and rolls back the whole script', async () => {
    const body = await refused({ query: `insert into public.notes values (9, '${USER_A}', 'x');\nselect 1/0` }, 'SQL_ERROR')
    expect(body.details[0]).toMatchObject({ sqlstate: '22012', position: null })
    expect(await sqlOn(t.url, 'select count(*)::int as n from public.notes where id = 9')).toEqual([{ n: 0 }])
  })

  it('returns the notices the script raises', async () => {
    const { notices } = await ok({ query: `do $$ begin raise notice 'hello %', 1; raise warning 'careful'; end $$; drop table if exists public.not_there` })
    expect(notices).toEqual([
      { severity: 'NOTICE', message: 'hello 1' },
      { severity: 'WARNING', message: 'careful' },
      { severity: 'NOTICE', message: 'table "not_there" does not exist, skipping' },
    ])
  })

  it('caps the rows of a result and says so', async () => {
    const { results } = await ok({ query: 'select i from generate_series(1, 5000) i; select 1 as one', max_rows: 100 })
    expect(results[0]!.rows).toHaveLength(100)
    expect(results[0]!.rows[99]).toEqual([100])
    expect(results[0]).toMatchObject({ truncated: true, row_count: 5000 })
    expect(results[1]).toMatchObject({ rows: [[1]], truncated: false })
  })

  it('cancels a script past its timeout', async () => {
    const body = await refused({ query: 'select pg_sleep(5)', timeout_ms: 300 }, 'SQL_TIMEOUT')
    expect(body.message).toContain('300 ms')
    expect(body.details[0]).toMatchObject({ sqlstate: '57014' })
  })

  it('bounds the whole script by the timeout, not only each statement', async () => {
    const started = Date.now()
    const body = await refused({ query: 'create table public.slow (id int); select pg_sleep(0.4); select pg_sleep(0.4); select pg_sleep(0.4)', timeout_ms: 700 }, 'SQL_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(1100)
    expect(body.details[0]).toMatchObject({ sqlstate: '57014', timeout_ms: 700 })
    expect(await sqlOn(t.url, `select to_regclass('public.slow') as t`)).toEqual([{ t: null }])
  })

  it('refuses transaction control before running anything', async () => {
    const body = await refused({ query: `create table public.half (id int);\n/* done */ commit; select current_user`, role: 'anon' }, 'SQL_TRANSACTION_CONTROL')
    expect(body.details[0]).toMatchObject({ statement: 2, keyword: 'COMMIT', line: 2, column: 12 })
    expect(await sqlOn(t.url, `select to_regclass('public.half') as t`)).toEqual([{ t: null }])
    // Inside quotes, comments and function bodies the words are not statements.
    await ok({ query: `select 'commit; begin' as s; -- rollback;\ncreate function public.f() returns int language sql begin atomic select 1; end; select public.f()` })
  })

  it('runs read_only scripts in a READ ONLY transaction', async () => {
    const body = await refused({ query: `insert into public.notes values (10, '${USER_A}', 'x')`, read_only: true }, 'SQL_ERROR')
    expect(body.details[0]).toMatchObject({ sqlstate: '25006' })
    const { results } = await ok({ query: 'select count(*)::int from public.notes', read_only: true })
    expect(results[0]!.rows).toEqual([[3]])
  })

  it('does not hand the connection back to the pool (session settings die with it)', async () => {
    const { results } = await ok({ query: `set search_path = nowhere; select pg_backend_pid()` })
    const pid = results[1]!.rows[0]![0] as number
    const deadline = Date.now() + 5000
    let alive = 1
    while (alive > 0 && Date.now() < deadline) {
      alive = (await sqlOn<{ n: number }>(t.url, 'select count(*)::int as n from pg_stat_activity where pid = $1', [pid]))[0]!.n
      if (alive > 0) await new Promise((r) => setTimeout(r, 50))
    }
    expect(alive).toBe(0)
  })

  it('audits every run, failed ones too, whatever role the script switched to', async () => {
    await ok({ query: 'select 42 as audited', role: 'anon', read_only: true })
    const switched = await ok({ query: 'set local role anon; select current_user::text as switched_role' })
    expect(switched.results[1]!.rows).toEqual([['anon']])
    const session = await ok({ query: 'set session authorization authenticated; select session_user::text as switched_session' })
    expect(session.results[1]!.rows).toEqual([['authenticated']])
    await refused({ query: 'select audited_failure_no_such_column' }, 'SQL_ERROR')
    const res = await call(floe, 'GET', '/admin/v1/audit?action=sql.', floe.service)
    expect(res.status).toBe(200)
    const entries = res.body as { action: string; target: string; sql: string; actor: string; details: Record<string, unknown> }[]
    expect(entries.find((e) => e.sql === 'select 42 as audited')).toMatchObject({ action: 'sql.run', target: 'anon', actor: 'service_key', details: { read_only: true } })
    expect(entries.find((e) => e.sql === 'select audited_failure_no_such_column')).toMatchObject({ action: 'sql.run_failed', target: 'owner', details: { error: 'SQL_ERROR', sqlstate: '42703' } })
    expect(entries.find((e) => e.sql?.startsWith('create table public.scratch'))).toMatchObject({ action: 'sql.run', details: { results: 3 } })
    expect(entries.find((e) => e.sql?.includes('switched_role'))).toMatchObject({ action: 'sql.run', target: 'owner' })
    expect(entries.find((e) => e.sql?.includes('switched_session'))).toMatchObject({ action: 'sql.run', target: 'owner' })
  })

  it('answers a script that ends its own connection with a 400, and keeps serving', async () => {
    const body = await refused({ query: 'select pg_terminate_backend(pg_backend_pid())' }, 'SQL_ERROR')
    expect(body.details[0]).toMatchObject({ sqlstate: '57P01' })
    expect((await ok({ query: 'select 1' })).results[0]!.rows).toEqual([[1]])
  })

  it('refuses COPY FROM STDIN and counts COPY TO STDOUT', async () => {
    const body = await refused({ query: 'create table public.copied (id int); copy public.copied from stdin' }, 'SQL_ERROR')
    expect(body.message).toContain('COPY FROM STDIN is not supported')
    const { results } = await ok({ query: 'copy (select 1 union all select 2) to stdout' })
    expect(results).toEqual([{ command: 'COPY', row_count: 2, columns: [], rows: [], truncated: false }])
  })

  it('is described in /openapi.json', async () => {
    const doc = (await (await floe.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string }>> }
    expect(doc.paths['/admin/v1/sql']?.post?.operationId).toBe('admin.runSql')
  })
})
