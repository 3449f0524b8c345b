/**
 * "Point Floe at your Postgres" with tables made BEFORE Floe (issue 15, item 14): the first boot
 * takes them in (migration 0015, README "Using your own services"): the service key reaches them,
 * anon and authenticated get the fail-closed answer of a new table until rules exist, the log says
 * so, and a 42501 from a grant still missing names that grant.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../src/auth/index.js'
import { loadConfig } from '../src/config.js'
import { adoptExistingTables, findFreePort } from '../src/db/index.js'
import { startFloe, type RunningFloe } from '../src/index.js'
import { createLogger } from '../src/log.js'
import { TEST_ANON_KEY, TEST_SERVICE_KEY, testEnv } from './app.js'
import { createTestDatabase, type TestDatabase } from './db.js'

let t: TestDatabase
let floe: RunningFloe
let dataDir: string
const lines: string[] = []
const anon = { apikey: TEST_ANON_KEY }
const service = { apikey: TEST_SERVICE_KEY }
let user: Record<string, string>

async function sql(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: t.url })
  await c.connect()
  try {
    return (await c.query(text, params)).rows
  } finally {
    await c.end()
  }
}

beforeAll(async () => {
  t = await createTestDatabase({ migrated: false })
  // The app's own tables, made before Floe ever ran here.
  await sql(`
    create table notes (id serial primary key, body text not null);
    insert into notes (body) values ('first'), ('second');
    create table locked (id int primary key);
    alter table locked enable row level security;
    insert into locked values (1);
    create table shared (id int primary key);
    alter table shared enable row level security;
    create policy anyone_reads on shared for select using (true);
    insert into shared values (7);
    create view note_bodies as select body from notes;`)
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'floe-existing-'))
  const config = loadConfig(testEnv(t, { PORT: String(await findFreePort()), HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_PER_IP: '0', FLOE_DATA_DIR: dataDir }))
  floe = await startFloe(config, createLogger('info', { write: (s: string) => void lines.push(s) }))
  user = { ...anon, authorization: `Bearer ${await signJwt({ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000001' }, floe.jwtKeys)}` }
}, 60_000)

afterAll(async () => {
  await floe?.close()
  await t?.drop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const rest = (p: string, headers: Record<string, string>, init: RequestInit = {}) =>
  fetch(`${floe.url}/rest/v1/${p}`, { ...init, headers: { 'content-type': 'application/json', prefer: 'return=representation', ...headers } })

describe('tables that existed before Floe', () => {
  it('says at boot what it did with them', () => {
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; level: number; tables?: string[]; views?: string[] })
    const closed = logged.find((l) => l.msg.startsWith('2 existing table(s) in public'))
    expect(closed?.msg).toBe(
      '2 existing table(s) in public: row-level security on (enabled now on 1), service_role granted; anon/authenticated closed until rules exist (README: "Using your own services")',
    )
    expect(closed?.tables).toEqual(['locked', 'notes'])
    const kept = logged.find((l) => l.msg.startsWith('1 existing table(s) in public already have row-level policies'))
    expect(kept?.tables).toEqual(['shared'])
    expect(kept?.level).toBe(40)
    expect(logged.find((l) => l.msg.startsWith('1 existing view(s)'))?.views).toEqual(['note_bodies'])
  })

  it('lets the service key read and write them', async () => {
    const read = await rest('notes?select=id,body&order=id', service)
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual([{ id: 1, body: 'first' }, { id: 2, body: 'second' }])
    const created = await rest('notes', service, { method: 'POST', body: JSON.stringify({ body: 'third' }) })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual([{ id: 3, body: 'third' }])
    expect((await rest('notes?id=eq.3', service, { method: 'PATCH', body: '{"body":"3rd"}' })).status).toBe(200)
    expect((await rest('notes?id=eq.3', service, { method: 'DELETE' })).status).toBe(200)
    expect(await (await rest('locked', service)).json()).toEqual([{ id: 1 }])
    expect(await (await rest('shared', service)).json()).toEqual([{ id: 7 }])
    expect(await (await rest('note_bodies?order=body', service)).json()).toEqual([{ body: 'first' }, { body: 'second' }])
  })

  it.each([
    ['anon', () => anon, 401],
    ['authenticated', () => user, 403],
  ])('gives %s the fail-closed answer of a new table: no rows, no writes', async (_role, headers, refused) => {
    for (const table of ['notes', 'locked']) {
      const read = await rest(table, headers())
      expect(read.status).toBe(200)
      expect(await read.json()).toEqual([])
    }
    const write = await rest('notes', headers(), { method: 'POST', body: '{"body":"x"}' })
    expect(write.status).toBe(refused)
    expect(await write.json()).toMatchObject({ code: '42501', message: 'new row violates row-level security policy for table "notes"' })
    expect(await sql('select count(*)::int as n from notes')).toEqual([{ n: 2 }])
  })

  it('opens a taken-in table to a rule added later, as for a new table', async () => {
    await sql('create policy read_all on locked for select to anon using (true)')
    expect(await (await rest('locked', anon)).json()).toEqual([{ id: 1 }])
    await sql('drop policy read_all on locked')
  })

  it('does not let policies written before Floe open a table: the refusal names the grant', async () => {
    const res = await rest('shared', anon)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      code: '42501',
      message: 'permission denied for table shared',
      details: null,
      hint: 'Role anon has no privilege on table shared: grant select, insert, update, delete on table shared to anon (with row-level security on, rules then decide which rows)',
    })
  })

  it('keeps views (which read past their tables\' rules) closed to users, naming the grant in the 403', async () => {
    const res = await rest('note_bodies', user)
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: '42501', message: 'permission denied for view note_bodies', hint: expect.stringContaining('grant select on note_bodies to authenticated') })
  })

  it('takes each table in once: a later boot changes nothing an admin decided', async () => {
    await sql('alter table locked disable row level security')
    try {
      expect(await adoptExistingTables(floe.database.pool, createLogger('silent'))).toEqual([])
      expect(await sql(`select relrowsecurity from pg_class where oid = 'public.locked'::regclass`)).toEqual([{ relrowsecurity: false }])
    } finally {
      await sql('alter table locked enable row level security')
    }
  })

  it('grants a table created later by another role as it would one of its own', async () => {
    await sql(`
      do $$ begin create role floe_test_other nologin; exception when duplicate_object then null; end $$;
      grant create on schema public to floe_test_other;
      set role floe_test_other;
      create table by_other (id serial primary key, v text);
      reset role;`)
    let res: Response
    for (let i = 0; ; i++) {
      res = await rest('by_other', service, { method: 'POST', body: '{"v":"x"}' })
      if (res.status !== 404 || i > 50) break
      await new Promise((r) => setTimeout(r, 100)) // schema cache reload after the DDL
    }
    expect(res.status).toBe(201)
    expect(await (await rest('by_other', anon)).json()).toEqual([])
  })

  it('leaves a table its role cannot act for unchanged, warns with what to run, and the 403 names the grant', async () => {
    await sql(`
      do $$ begin create role floe_test_other nologin; exception when duplicate_object then null; end $$;
      do $$ begin create role floe_test_nobody nologin; exception when duplicate_object then null; end $$;
      grant create on schema public to floe_test_other;
      set role floe_test_other;
      create table theirs (id int);
      revoke all on theirs from anon, authenticated, service_role;
      reset role;
      grant usage on schema floe to floe_test_nobody;
      grant select on floe.exposed_schemas to floe_test_nobody;
      grant execute on function floe.adopt_existing_tables() to floe_test_nobody;`)
    const asNobody = new pg.Pool({ connectionString: t.url, options: '-c role=floe_test_nobody', max: 1 })
    const warned: string[] = []
    try {
      const done = await adoptExistingTables(asNobody, createLogger('info', { write: (s: string) => void warned.push(s) }))
      expect(done).toEqual([{ schema_name: 'public', object_name: 'theirs', relkind: 'r', outcome: 'not_permitted', detail: 'floe_test_other' }])
    } finally {
      await asNobody.end()
    }
    expect(JSON.parse(warned[0]!)).toMatchObject({ level: 40, objects: [{ name: 'theirs', owner: 'floe_test_other' }] })
    expect(await sql(`select relrowsecurity, relacl::text from pg_class where oid = 'public.theirs'::regclass`)).toEqual([
      { relrowsecurity: true, relacl: '{floe_test_other=arwdDxt/floe_test_other}' },
    ])
    let res: Response
    for (let i = 0; ; i++) {
      res = await rest('theirs', service)
      if (res.status !== 404 || i > 50) break
      await new Promise((r) => setTimeout(r, 100)) // schema cache reload after the DDL
    }
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      code: '42501',
      message: 'permission denied for table theirs',
      details: null,
      hint: 'Role service_role has no privilege on table theirs: grant select, insert, update, delete on table theirs to service_role (with row-level security on, rules then decide which rows)',
    })
  })
})
