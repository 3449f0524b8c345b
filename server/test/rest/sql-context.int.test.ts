/**
 * The request as SQL sees it and the answer SQL chooses (issue 15, points 3 and 4), replayed from
 * PostgREST's RpcSpec ("HTTP request env vars", "GUC headers on function calls", "GUC status
 * override", "get message and details from raise sqlstate"), ErrorSpec and QuerySpec (42P17),
 * with the fixture functions of its test/spec/fixtures/schema.sql, through the real server.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExtraSql } from './extra-sql.js'
import { useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => (h = harness))

beforeAll(async () => {
  await loadExtraSql(h, `
    create function get_guc_value(name text) returns text language sql as $$ select nullif(current_setting(name), '')::text $$;
    create function get_guc_value(prefix text, name text) returns text language sql as $$ select nullif(current_setting(prefix)::json->>name, '')::text $$;
    create function send_body_status_403() returns json language plpgsql as $$
      begin perform set_config('response.status', '403', true); return json_build_object('message', 'invalid user or password'); end $$;
    create function send_bad_status() returns json language plpgsql as $$
      begin perform set_config('response.status', 'bad', true); return null; end $$;
    create function get_films_and_guc_headers() returns setof films language sql as $$
      set local "response.headers" = '[{"X-Test": "key1=val1; someValue; key2=val2"}, {"X-Test-2": "key1=val1"}]';
      select * from films $$;
    create function get_int_and_guc_headers(num int) returns integer language sql as $$
      set local "response.headers" = '[{"X-Test":"key1=val1; someValue; key2=val2"},{"X-Test-2":"key1=val1"}]';
      select num $$;
    create function bad_guc_headers_1() returns void language sql as $$ set local "response.headers" = '{"X-Test": "invalid structure for headers"}' $$;
    create function bad_guc_headers_2() returns void language sql as $$ set local "response.headers" = '["invalid", "structure", "for", "headers"]' $$;
    create function bad_guc_headers_3() returns void language sql as $$ set local "response.headers" = '{"X-Test": "invalid", "X-Test-2": "structure", "X-Test-3": "for headers"}' $$;
    create function set_cookie_twice() returns void language sql as $$
      set local "response.headers" = '[{"Set-Cookie": "sessionid=38afes7a8; HttpOnly; Path=/"}, {"Set-Cookie": "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly"}]' $$;
    create function csv_with_content_type() returns setof films language sql as $$
      select set_config('response.headers', '[{"Content-Type": "text/csv; charset=utf-8"}, {"Content-Disposition": "attachment; filename=\\"films.csv\\""}]', true);
      select * from films order by id limit 1 $$;

    create table stuff (id int primary key, name text);
    alter table stuff disable row level security;
    create function location_for_stuff() returns trigger language plpgsql as $$
      begin
        perform set_config('response.headers', format('[{"Location": "/%s?id=eq.%s&overriden=true"}]', tg_table_name, new.id), true);
        return new;
      end $$;
    create trigger location_for_stuff before insert on stuff for each row execute procedure location_for_stuff();
    create function status_205_for_updated_stuff() returns trigger language plpgsql as $$
      begin perform set_config('response.status', '205', true); return new; end $$;
    create trigger status_205_for_updated_stuff before update on stuff for each row execute procedure status_205_for_updated_stuff();
    insert into stuff values (1, 'stuff 1');

    -- A rule reading a request header, as policies do.
    create table tenant_rows (id int primary key, tenant text not null);
    alter table tenant_rows enable row level security;
    create policy by_header on tenant_rows for select using (tenant = current_setting('request.headers', true)::json->>'x-tenant');
    insert into tenant_rows values (1, 'acme'), (2, 'globex');

    create function raise_pt402() returns void language plpgsql as $$
      begin raise sqlstate 'PT402' using message = 'Payment Required', detail = 'Quota exceeded', hint = 'Upgrade your plan'; end $$;
    create function raise_bad_pt() returns void language plpgsql as $$ begin raise sqlstate 'PT40A' using message = 'Wrong'; end $$;
    create function raise_sqlstate_test1() returns void language plpgsql as $$
      begin raise sqlstate 'PGRST' using
        message = '{"code":"123","message":"ABC","details":"DEF","hint":"XYZ"}',
        detail = '{"status":332,"status_text":"My Custom Status","headers":{"X-Header":"str"}}'; end $$;
    create function raise_sqlstate_test2() returns void language plpgsql as $$
      begin raise sqlstate 'PGRST' using message = '{"code":"123","message":"ABC"}', detail = '{"status":332,"headers":{"X-Header":"str"}}'; end $$;
    create function raise_sqlstate_test3() returns void language plpgsql as $$
      begin raise sqlstate 'PGRST' using message = '{"code":"123","message":"ABC"}', detail = '{"status":404,"headers":{"X-Header":"str"}}'; end $$;
    create function raise_sqlstate_invalid_json_message() returns void language plpgsql as $$
      begin raise sqlstate 'PGRST' using message = 'INVALID', detail = '{"status":332,"headers":{"X-Header":"str"}}'; end $$;
    create function raise_sqlstate_invalid_json_details() returns void language plpgsql as $$
      begin raise sqlstate 'PGRST' using message = '{"code":"123","message":"ABC","details":"DEF"}', detail = 'INVALID'; end $$;
    create function raise_sqlstate_missing_details() returns void language plpgsql as $$
      begin raise sqlstate 'PGRST' using message = '{"code":"123","message":"ABC","details":"DEF"}'; end $$;

    create view bad_subquery as select * from films where id = (select id from films);
    create view infinite_recursion as select * from films;
    create or replace view infinite_recursion as select * from infinite_recursion;
  `)
})

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  h.raw(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })

describe('request.* settings readable from SQL (RpcSpec "HTTP request env vars")', () => {
  it.each([
    ['a custom header', { 'Custom-Header': 'test' }, { prefix: 'request.headers', name: 'custom-header' }, 'test'],
    ['a standard header', { Origin: 'http://example.com' }, { prefix: 'request.headers', name: 'origin' }, 'http://example.com'],
    ['a single cookie', { Cookie: 'acookie=cookievalue' }, { prefix: 'request.cookies', name: 'acookie' }, 'cookievalue'],
    ['one of several cookies', { Cookie: 'acookie=cookievalue;secondcookie=anothervalue' }, { prefix: 'request.cookies', name: 'secondcookie' }, 'anothervalue'],
    ['the http method', {}, { name: 'request.method' }, 'POST'],
    ['the http path, under /rest/v1 as PostgREST sees it', {}, { name: 'request.path' }, '/rpc/get_guc_value'],
  ])('%s', async (_, headers, args, expected) => {
    const res = await post('/rpc/get_guc_value', args, headers)
    expect(res.status).toBe(200)
    expect(await res.json()).toBe(expected)
  })

  it('the Authorization header, and no Cookie header among the headers', async () => {
    const user = await h.testApp.asUser({ sub: '11111111-1111-4111-8111-111111111111' })
    const res = await post('/rpc/get_guc_value', { prefix: 'request.headers', name: 'authorization' }, { ...user, Cookie: 'a=b' })
    expect(await res.json()).toBe(user.Authorization ?? user.authorization)
    const cookie = await post('/rpc/get_guc_value', { prefix: 'request.headers', name: 'cookie' }, { Cookie: 'a=b' })
    expect(await cookie.json()).toBeNull()
  })

  it('on a GET of a table: request.path and a policy reading a header', async () => {
    const acme = await h.raw('/tenant_rows?select=id', { headers: { 'X-Tenant': 'acme' } })
    expect(await acme.json()).toEqual([{ id: 1 }])
    const none = await h.raw('/tenant_rows?select=id')
    expect(await none.json()).toEqual([])
    const path = await h.raw('/rpc/get_guc_value?name=request.path')
    expect(await path.json()).toBe('/rpc/get_guc_value')
  })
})

describe('response.headers and response.status set by SQL (RpcSpec "GUC headers", "GUC status override")', () => {
  it('sets headers from a set-returning and a scalar function, by GET and POST', async () => {
    for (const res of [
      await h.raw('/rpc/get_films_and_guc_headers?id=eq.2&select=id'),
      await h.raw('/rpc/get_int_and_guc_headers?num=1'),
      await post('/rpc/get_int_and_guc_headers', { num: 1 }),
    ]) {
      expect(res.status).toBe(200)
      expect(res.headers.get('x-test')).toBe('key1=val1; someValue; key2=val2')
      expect(res.headers.get('x-test-2')).toBe('key1=val1')
    }
  })

  it('sends the same header twice (Set-Cookie), 204 without a Content-Type', async () => {
    const res = await h.raw('/rpc/set_cookie_twice')
    expect(res.status).toBe(204)
    expect(res.headers.get('content-type')).toBeNull()
    expect(res.headers.getSetCookie()).toEqual(['sessionid=38afes7a8; HttpOnly; Path=/', 'id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly'])
  })

  it('replaces a header Floe would send (Content-Type)', async () => {
    const res = await h.raw('/rpc/csv_with_content_type', { headers: { Accept: 'text/csv' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="films.csv"')
  })

  it('a trigger overrides the Location of an insert and the status of an update', async () => {
    const created = await post('/stuff', [{ id: 2, name: 'stuff 2' }])
    expect(created.status).toBe(201)
    expect(created.headers.get('content-type')).toBeNull()
    expect(created.headers.get('location')).toBe('/stuff?id=eq.2&overriden=true')
    const updated = await h.raw('/stuff?id=eq.1', { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"name":"updated stuff 1"}' })
    expect(updated.status).toBe(205)
  })

  it('overrides the status of a function call (403 with its body)', async () => {
    const res = await h.raw('/rpc/send_body_status_403')
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ message: 'invalid user or password' })
  })

  it.each(['bad_guc_headers_1', 'bad_guc_headers_2', 'bad_guc_headers_3'])('%s: PGRST111', async (fn) => {
    for (const res of [await h.raw(`/rpc/${fn}`), await post(`/rpc/${fn}`, {})]) {
      expect(res.status).toBe(500)
      expect(await res.json()).toEqual({
        code: 'PGRST111', message: 'response.headers guc must be a JSON array composed of objects with a single key and a string value', details: null, hint: null,
      })
    }
  })

  it('an invalid status: PGRST112', async () => {
    const res = await h.raw('/rpc/send_bad_status')
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ code: 'PGRST112', message: 'response.status guc must be a valid status code', details: null, hint: null })
  })

  it('the same through the Hono app (the front end other than the Node fast path)', async () => {
    const res = await h.testApp.app.request('/rest/v1/rpc/set_cookie_twice', { headers: { ...h.testApp.anon, Cookie: 'x=1' } })
    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie()).toHaveLength(2)
    const args = new URLSearchParams({ prefix: 'request.headers', name: 'x-probe' })
    const probe = await h.testApp.app.request(`/rest/v1/rpc/get_guc_value?${args}`, { headers: { ...h.testApp.anon, 'X-Probe': 'hono' } })
    expect(await probe.json()).toBe('hono')
  })

  it('nothing leaks into the next request on the same connection', async () => {
    await h.raw('/rpc/send_body_status_403')
    const res = await h.raw('/rpc/get_guc_value?name=request.method')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-test')).toBeNull()
  })
})

describe('errors raised in SQL (RpcSpec, ErrorSpec)', () => {
  it('RAISE SQLSTATE PT402 answers 402 with its message, detail and hint', async () => {
    const res = await h.raw('/rpc/raise_pt402')
    expect(res.status).toBe(402)
    expect(await res.json()).toEqual({ hint: 'Upgrade your plan', details: 'Quota exceeded', code: 'PT402', message: 'Payment Required' })
  })

  it('PT not followed by a number answers 500, with the body', async () => {
    const res = await h.raw('/rpc/raise_bad_pt')
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ hint: null, details: null, code: 'PT40A', message: 'Wrong' })
  })

  it('RAISE SQLSTATE PGRST sets the status, headers and body', async () => {
    const one = await h.raw('/rpc/raise_sqlstate_test1')
    expect(one.status).toBe(332)
    expect(one.headers.get('x-header')).toBe('str')
    expect(await one.json()).toEqual({ code: '123', message: 'ABC', details: 'DEF', hint: 'XYZ' })
    const two = await h.raw('/rpc/raise_sqlstate_test2')
    expect([two.status, two.headers.get('x-header'), await two.json()]).toEqual([332, 'str', { code: '123', message: 'ABC', details: null, hint: null }])
    const three = await h.raw('/rpc/raise_sqlstate_test3')
    expect([three.status, await three.json()]).toEqual([404, { code: '123', message: 'ABC', details: null, hint: null }])
  })

  it.each([
    ['raise_sqlstate_invalid_json_message', "Invalid JSON value for MESSAGE: 'INVALID'", "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'."],
    ['raise_sqlstate_invalid_json_details', "Invalid JSON value for DETAIL: 'INVALID'", "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'."],
    ['raise_sqlstate_missing_details', 'DETAIL is missing in the RAISE statement', "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'."],
  ])('%s: PGRST121', async (fn, details, hint) => {
    const res = await h.raw(`/rpc/${fn}`)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ code: 'PGRST121', message: 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', details, hint })
  })

  it('cardinality_violation (21000) is a 500, not a 400', async () => {
    const res = await h.raw('/bad_subquery')
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ code: '21000', message: 'more than one row returned by a subquery used as an expression' })
  })

  it('infinite recursion (42P17) is a 500, not a 400', async () => {
    const res = await h.raw('/infinite_recursion?select=*')
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ code: '42P17', message: 'infinite recursion detected in rules for relation "infinite_recursion"', details: null, hint: null })
  })
})
