/**
 * request.method, request.path, request.headers and request.cookies are set only when SQL in the
 * database may read them: a
 * function, policy, default, check or view that names them, or that calls current_setting with a
 * name computed at run time (PostgREST's spec reads them through get_guc_value(name)). Otherwise
 * building and sending them would cost every request (bench/README.md, issue 15). Likewise
 * response.headers and response.status are read back only when SQL in the database may set them.
 */
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExtraSql } from './extra-sql.js'
import { BASE_URL, useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => (h = harness))

const anon = () => ({ apikey: h.testApp.anon.apikey! })

async function dropFunction(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: h.db.url })
  await c.connect()
  try {
    await c.query(`drop function if exists ${name}`)
  } finally {
    await c.end()
  }
  await h.testApp.schemaCache.reload()
}

beforeAll(async () => {
  // Reads the setting through a name no catalog scan can see (a concatenation in a variable).
  await loadExtraSql(h, `
    create function hidden_origin() returns text language plpgsql stable as $$
      declare n text := 'request.' || 'head' || 'ers';
      begin return nullif(current_setting(n, true), '')::json->>'origin'; end $$;`)
})

describe('request settings only where SQL may read them', () => {
  it('sets them when a function calls current_setting with a computed name', async () => {
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(true)
    const res = await h.testApp.http(`${BASE_URL}/rpc/hidden_origin`, { headers: { ...anon(), Origin: 'https://app.example' } })
    expect(await res.json()).toBe('https://app.example')
  })

  it('leaves them out when nothing may read them, and sets them again once something does', async () => {
    await dropFunction('hidden_origin()')
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(false)
    const res0 = await h.testApp.http(`${BASE_URL}/films?select=id&limit=1`, { headers: anon() })
    expect(res0.status).toBe(200)
    await loadExtraSql(h, `create function named_origin() returns text language sql stable as $$
      select current_setting('request.headers', true)::json->>'origin' $$;`)
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(true)
    const res = await h.testApp.http(`${BASE_URL}/rpc/named_origin`, { headers: { ...anon(), Origin: 'https://app.example' } })
    expect(await res.json()).toBe('https://app.example')
    await dropFunction('named_origin()')
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(false)
  })

  it('sets them when a policy or function names request.method or request.path', async () => {
    await loadExtraSql(h, `create function named_method() returns text language sql stable as $$
      select current_setting('request.method', true) || ' ' || current_setting('request.path', true) $$;`)
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(true)
    const res = await h.testApp.http(`${BASE_URL}/rpc/named_method`, { headers: anon() })
    expect(await res.json()).toBe('GET /rpc/named_method')
    await dropFunction('named_method()')
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(false)
    await loadExtraSql(h, `create table method_gate (id int primary key);
      alter table method_gate enable row level security;
      create policy gate on method_gate for select to anon using (current_setting('request.path', true) = '/method_gate');
      grant select on method_gate to anon;
      insert into method_gate values (1);`)
    expect(h.testApp.schemaCache.get().readsRequestSettings).toBe(true)
    const rows = await h.testApp.http(`${BASE_URL}/method_gate?select=id`, { headers: anon() })
    expect(await rows.json()).toEqual([{ id: 1 }])
  })
})

describe('response settings read back only where SQL may set them', () => {
  const setsFlag = () => h.testApp.schemaCache.get().setsResponseSettings

  it("is off for Floe's own schemas and the fixture, and a GET answers as before", async () => {
    expect(setsFlag()).toBe(false)
    const res = await h.testApp.http(`${BASE_URL}/films?select=id&limit=1`, { headers: anon() })
    expect(res.status).toBe(200)
  })

  it('turns on for a function that sets them by name (any case), by a computed name or with dynamic SQL', async () => {
    const cases: [string, string, (res: Response) => void][] = [
      [
        'set_status_named()',
        `create function set_status_named() returns int language plpgsql as $$
           begin perform set_config('RESPONSE.STATUS', '202', true); return 1; end $$;`,
        (res) => expect(res.status).toBe(202),
      ],
      [
        'set_header_computed()',
        `create function set_header_computed() returns int language plpgsql as $$
           declare n text := 'response.' || 'head' || 'ers';
           begin perform set_config(n, '[{"X-Made": "computed"}]', true); return 1; end $$;`,
        (res) => expect(res.headers.get('x-made')).toBe('computed'),
      ],
      [
        'set_status_dynamic()',
        `create function set_status_dynamic() returns int language plpgsql as $$
           begin execute format('set local %s = %L', 'resp' || 'onse.status', '207'); return 1; end $$;`,
        (res) => expect(res.status).toBe(207),
      ],
    ]
    for (const [signature, sql, check] of cases) {
      await loadExtraSql(h, sql)
      expect(setsFlag(), signature).toBe(true)
      const res = await h.testApp.http(`${BASE_URL}/rpc/${signature.slice(0, -2)}`, { method: 'POST', headers: { ...anon(), 'content-type': 'application/json' }, body: '{}' })
      check(res)
      await dropFunction(signature)
      expect(setsFlag(), signature).toBe(false)
    }
  })

  it('turns on for a database setting of response.*', async () => {
    const c = new pg.Client({ connectionString: h.db.url })
    await c.connect()
    try {
      await c.query(`alter database "${h.db.name}" set response.status = '299'`)
      await h.testApp.schemaCache.reload()
      expect(setsFlag()).toBe(true)
      await c.query(`alter database "${h.db.name}" reset response.status`)
      await h.testApp.schemaCache.reload()
      expect(setsFlag()).toBe(false)
    } finally {
      await c.end()
    }
  })
})
