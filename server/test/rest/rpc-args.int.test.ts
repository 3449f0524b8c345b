/**
 * RPC arguments as PostgREST reads them (issue 15, point 6), replayed from RpcSpec with the
 * functions of its fixture schema.sql: form-encoded bodies, repeated query parameters (a variadic
 * argument collects them, any other keeps the last), a JSON array body called with its first
 * object, and PGRST202 for argument names no function has (a named json parameter is matched
 * only by name; only an unnamed one takes the whole body).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadExtraSql } from './extra-sql.js'
import { useRest, type RestHarness } from './setup.js'

let h: RestHarness
useRest((harness) => (h = harness))

beforeAll(async () => {
  await loadExtraSql(h, `
    create type enum_menagerie_type as enum ('foo', 'bar');
    create function varied_arguments(double double precision, "varchar" character varying, "boolean" boolean, date date, money money,
      enum enum_menagerie_type, arr text[], "integer" integer default 42, "json" json default '{}', jsonb jsonb default '{}') returns json
      language sql immutable as $$
        select json_build_object('double', double, 'varchar', "varchar", 'boolean', "boolean", 'date', date, 'money', money,
          'enum', enum, 'arr', arr, 'integer', "integer", 'json', json, 'jsonb', jsonb) $$;
    create function variadic_param(variadic v text[] default '{}') returns text[] immutable language sql as $$ select v $$;
    create function sayhello(name text) returns text immutable language sql as $$ select 'Hello, ' || name $$;
    create function sayhello_variadic(name text, variadic v text[]) returns text immutable language sql as $$ select 'Hello, ' || name $$;
    create function add_them(a integer, b integer) returns integer language sql as $$ select a + b $$;
    create function overloaded() returns setof int language sql as $$ values (1), (2), (3) $$;
    create function overloaded(json) returns table(x int, y text) language sql as $$ select * from json_to_recordset($1) as r(x int, y text) $$;
    create function overloaded(a int, b int) returns int language sql as $$ select a + b $$;
    create function overloaded(a text, b text, c text) returns text language sql as $$ select a || b || c $$;
    create function overloaded_html_form() returns setof int language sql as $$ values (1), (2), (3) $$;
    create function overloaded_html_form(single_param json) returns json language sql as $$ select single_param $$;
    create function overloaded_html_form(a int, b int) returns int language sql as $$ select a + b $$;
    create function overloaded_html_form(a text, b text, c text) returns text language sql as $$ select a || b || c $$;
    create function unnamed_json_param(json) returns json language sql as $$ select $1 $$;
    create function named_json_param(data json) returns json language sql as $$ select data $$;
  `)
})

const form = (path: string, body: string) =>
  h.raw(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })
const post = (path: string, body: unknown) =>
  h.raw(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

async function answer(res: Response): Promise<[number, unknown]> {
  return [res.status, await res.json()]
}

describe('form-encoded bodies', () => {
  it('accepts a variety of arguments from an html form', async () => {
    const res = await form('/rpc/varied_arguments', 'double=3.1&varchar=hello&boolean=true&date=20190101&money=0&enum=foo&arr=%7Ba,b,c%7D&integer=43')
    expect(await answer(res)).toEqual([200, {
      double: 3.1, varchar: 'hello', boolean: true, date: '2019-01-01', money: '$0.00', enum: 'foo', arr: ['a', 'b', 'c'], integer: 43, json: {}, jsonb: {},
    }])
  })

  it.each([['', []], ['v=hi', ['hi']], ['v=hi&v=there', ['hi', 'there']]])('a variadic argument repeated in a form: %j', async (body, expected) => {
    expect(await answer(await form('/rpc/variadic_param', body))).toEqual([200, expected])
  })

  it('chooses an overload by the form keys', async () => {
    expect(await answer(await form('/rpc/overloaded_html_form', ''))).toEqual([200, [1, 2, 3]])
    expect(await answer(await form('/rpc/overloaded_html_form', 'a=1&b=2'))).toEqual([200, 3])
    expect(await answer(await form('/rpc/overloaded_html_form', 'a=1&b=2&c=3'))).toEqual([200, '123'])
  })

  it('the last repeated scalar wins in a form', async () => {
    expect(await answer(await form('/rpc/sayhello', 'name=ignored&name=world'))).toEqual([200, 'Hello, world'])
  })

  it('form keys no function has: PGRST202 without the json fallback in its details', async () => {
    expect(await answer(await form('/rpc/sayhello', 'nope=1'))).toEqual([404, {
      code: 'PGRST202',
      message: 'Could not find the function public.sayhello(nope) in the schema cache',
      details: 'Searched for the function public.sayhello with parameter nope, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.sayhello(name)',
    }])
  })
})

describe('repeated query parameters', () => {
  it.each([['', []], ['?v=hi', ['hi']], ['?v=hi&v=there', ['hi', 'there']]])('variadic by GET: %j', async (query, expected) => {
    expect(await answer(await h.raw(`/rpc/variadic_param${query}`))).toEqual([200, expected])
  })

  it('returns the last value for repeated params without VARIADIC', async () => {
    expect(await answer(await h.raw('/rpc/sayhello?name=ignored&name=world'))).toEqual([200, 'Hello, world'])
  })

  it('returns the last value for repeated non-variadic params in a function with a VARIADIC argument', async () => {
    expect(await answer(await h.raw('/rpc/sayhello_variadic?name=ignored&name=world&v=unused'))).toEqual([200, 'Hello, world'])
  })

  it('an array argument repeated keeps the last value', async () => {
    const res = await h.raw('/rpc/varied_arguments?double=1&varchar=x&boolean=false&date=2019-01-01&money=1&enum=bar&arr={a}&arr={b,c}')
    expect(await answer(res)).toMatchObject([200, { arr: ['b', 'c'] }])
  })
})

describe('JSON bodies', () => {
  it('only takes the first object in case of an array of objects payload', async () => {
    expect(await answer(await post('/rpc/add_them', [{ a: 1, b: 2 }, { a: 4, b: 6 }, { a: 100, b: 200 }]))).toEqual([200, 3])
  })

  it('a single unnamed json parameter takes the whole body', async () => {
    expect(await answer(await post('/rpc/unnamed_json_param', { A: 1, B: 2, C: 3 }))).toEqual([200, { A: 1, B: 2, C: 3 }])
    expect(await answer(await post('/rpc/overloaded', [{ x: 1, y: 'first' }, { x: 2, y: 'second' }]))).toEqual([200, [{ x: 1, y: 'first' }, { x: 2, y: 'second' }]])
  })

  it('rejects a json body when the single json parameter has a name (PGRST202)', async () => {
    expect(await answer(await post('/rpc/named_json_param', { A: 1, B: 2, C: 3 }))).toEqual([404, {
      code: 'PGRST202',
      message: 'Could not find the function public.named_json_param(A, B, C) in the schema cache',
      details: 'Searched for the function public.named_json_param with parameters A, B, C or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: null,
    }])
    expect(await answer(await post('/rpc/named_json_param', { data: { A: 1 } }))).toEqual([200, { A: 1 }])
  })

  it('argument names no overload has: PGRST202 (RpcSpec)', async () => {
    expect(await answer(await h.raw('/rpc/overloaded?wrong_arg=value'))).toEqual([404, {
      code: 'PGRST202',
      message: 'Could not find the function public.overloaded(wrong_arg) in the schema cache',
      details: 'Searched for the function public.overloaded with parameter wrong_arg, but no matches were found in the schema cache.',
      hint: null,
    }])
    expect(await answer(await h.raw('/rpc/overloaded?a=1&b=2&wrong_arg=value'))).toEqual([404, {
      code: 'PGRST202',
      message: 'Could not find the function public.overloaded(a, b, wrong_arg) in the schema cache',
      details: 'Searched for the function public.overloaded with parameters a, b, wrong_arg, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.overloaded(a, b, c)',
    }])
  })
})
