/**
 * Issue 18 part 1, the schema editor: bad input to every change route is a 4xx naming the
 * problem and changes nothing; every route refuses no key, the anon key and a non-admin user;
 * every route is in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { admin, schemaSnapshot } from './admin-schema-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, expectErrorShape, sqlOn, USER_A } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, `create table public.items (id int primary key, name text, n int);
                      insert into public.items values (1, 'x', null), (2, 'x', 2);
                      create table public.loose (id int);
                      create table public.refs (item_id int references public.items (id));
                      create table public.dups (name text); insert into public.dups values ('x'), ('x');
                      create type public.color as enum ('red');
                      create schema other; create table other.t (id int)`)
  floe = await buildTestApp(t)
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

const col = (extra: Record<string, unknown> = {}) => ({ name: 'c', type: 'int', ...extra })
const table = (extra: Record<string, unknown> = {}) => ({ name: 'fresh', columns: [col()], ...extra })
const fk = (extra: Record<string, unknown> = {}) => ({ columns: ['n'], references: { table: 'items', columns: ['id'] }, ...extra })

type Row = [label: string, method: string, path: string, body: unknown, status: number, code: string, says: string]
const BAD: Row[] = [
  ['a name with a quote', 'POST', '/tables', table({ name: 'to"dos' }), 400, 'INVALID_INPUT', 'json.name'],
  ['a name over 63 bytes', 'POST', '/tables', table({ name: 'a'.repeat(64) }), 400, 'INVALID_INPUT', '63 bytes'],
  ['SQL in a table name', 'POST', '/tables', table({ name: 'x; drop table items' }), 400, 'INVALID_INPUT', 'json.name'],
  ['SQL in a column name', 'POST', '/tables', table({ columns: [col({ name: 'c int); drop table items; --' })] }), 400, 'INVALID_INPUT', 'json.columns.0.name'],
  ['an unknown type', 'POST', '/tables', table({ columns: [col({ type: 'flurb' })] }), 400, 'SCHEMA_UNKNOWN_TYPE', 'flurb'],
  ['serial, which is shorthand and not a type', 'POST', '/tables', table({ columns: [col({ type: 'serial' })] }), 400, 'SCHEMA_UNKNOWN_TYPE', 'serial'],
  ['SQL in a type', 'POST', '/tables', table({ columns: [col({ type: 'int; drop table items' })] }), 400, 'INVALID_INPUT', 'json.columns.0.type'],
  ['a modifier the type does not take', 'POST', '/tables', table({ columns: [col({ type: 'int(5)' })] }), 400, 'SCHEMA_UNKNOWN_TYPE', 'int(5)'],
  ['a schema not exposed', 'POST', '/tables', table({ schema: 'other' }), 400, 'SCHEMA_NOT_ALLOWED', 'other'],
  ['a platform schema', 'POST', '/tables', table({ schema: 'auth' }), 400, 'SCHEMA_NOT_ALLOWED', 'auth'],
  ['an existing table name', 'POST', '/tables', table({ name: 'items' }), 409, 'SCHEMA_EXISTS', 'already exists'],
  ['a default that does not parse', 'POST', '/tables', table({ columns: [col({ default: 'now(' })] }), 400, 'SCHEMA_INVALID_EXPRESSION', 'syntax error'],
  ['a default of the wrong type', 'POST', '/tables', table({ columns: [col({ default: "'abc'" })] }), 400, 'SCHEMA_INVALID_EXPRESSION', 'invalid input syntax for type integer'],
  ['two columns of one name', 'POST', '/tables', table({ columns: [col(), col()] }), 400, 'INVALID_INPUT', 'column names must differ'],
  ['an identity with a default', 'POST', '/tables', table({ columns: [col({ identity: 'always', default: '1' })] }), 400, 'INVALID_INPUT', 'identity'],
  ['no columns', 'POST', '/tables', table({ columns: [] }), 400, 'INVALID_INPUT', 'json.columns'],
  ['a key to a missing table', 'POST', '/tables', table({ foreign_keys: [{ columns: ['c'], references: { table: 'nope', columns: ['id'] } }] }), 400, 'SCHEMA_REJECTED', 'nope'],
  ['a bad dry_run flag', 'POST', '/tables?dry_run=yes', table(), 400, 'INVALID_INPUT', 'dry_run'],
  ['renaming a missing table', 'PATCH', '/tables/public.nope', { name: 'x' }, 404, 'SCHEMA_TABLE_NOT_FOUND', 'public.nope'],
  ['renaming onto a taken name', 'PATCH', '/tables/public.items', { name: 'loose' }, 409, 'SCHEMA_EXISTS', 'already exists'],
  ['renaming a platform table', 'PATCH', '/tables/auth.users', { name: 'x' }, 400, 'SCHEMA_NOT_ALLOWED', 'platform'],
  ['renaming a table of a schema not exposed', 'PATCH', '/tables/other.t', { name: 'x' }, 400, 'SCHEMA_NOT_ALLOWED', 'other'],
  ['renaming to a quoted name', 'PATCH', '/tables/public.items', { name: 'a"b' }, 400, 'INVALID_INPUT', 'json.name'],
  ['dropping a missing table', 'DELETE', '/tables/public.nope', undefined, 404, 'SCHEMA_TABLE_NOT_FOUND', 'public.nope'],
  ['dropping a platform table', 'DELETE', '/tables/auth.users?cascade=true', undefined, 400, 'SCHEMA_NOT_ALLOWED', 'auth'],
  ['adding an existing column', 'POST', '/tables/public.items/columns', col({ name: 'name' }), 409, 'SCHEMA_EXISTS', '"name"'],
  ['adding a column of an unknown type', 'POST', '/tables/public.items/columns', col({ type: 'public.nope' }), 400, 'SCHEMA_UNKNOWN_TYPE', 'public.nope'],
  ['adding a column to a missing table', 'POST', '/tables/public.nope/columns', col(), 404, 'SCHEMA_TABLE_NOT_FOUND', 'public.nope'],
  ['altering a missing column', 'PATCH', '/tables/public.items/columns/nope', { nullable: false }, 404, 'SCHEMA_COLUMN_NOT_FOUND', 'nope'],
  ['altering nothing', 'PATCH', '/tables/public.items/columns/name', {}, 400, 'INVALID_INPUT', 'nothing to change'],
  ['a using without a type', 'PATCH', '/tables/public.items/columns/name', { using: 'name::int' }, 400, 'INVALID_INPUT', 'using'],
  ['a type the values do not cast to', 'PATCH', '/tables/public.items/columns/name', { type: 'int' }, 400, 'SCHEMA_REJECTED', 'cannot be cast automatically'],
  ['a using that does not parse', 'PATCH', '/tables/public.items/columns/name', { type: 'int', using: 'name +' }, 400, 'SCHEMA_INVALID_EXPRESSION', 'syntax error'],
  ['not null over null values', 'PATCH', '/tables/public.items/columns/n', { nullable: false }, 409, 'SCHEMA_CONFLICT', 'contains null values'],
  ['unique over duplicates', 'PATCH', '/tables/public.items/columns/name', { unique: true }, 409, 'SCHEMA_CONFLICT', 'could not create unique index'],
  ['renaming onto a taken column', 'PATCH', '/tables/public.items/columns/name', { name: 'n' }, 409, 'SCHEMA_EXISTS', 'already exists'],
  ['dropping a missing column', 'DELETE', '/tables/public.items/columns/nope', undefined, 404, 'SCHEMA_COLUMN_NOT_FOUND', 'nope'],
  ['a primary key on a missing column', 'PUT', '/tables/public.loose/primary-key', { columns: ['nope'] }, 400, 'SCHEMA_REJECTED', 'nope'],
  ['a primary key naming a column twice', 'PUT', '/tables/public.loose/primary-key', { columns: ['id', 'id'] }, 400, 'INVALID_INPUT', 'columns must differ'],
  ['a primary key over duplicates', 'PUT', '/tables/public.dups/primary-key', { columns: ['name'] }, 409, 'SCHEMA_CONFLICT', 'could not create unique index'],
  ['replacing a primary key a key references', 'PUT', '/tables/public.items/primary-key', { columns: ['id', 'name'] }, 409, 'SCHEMA_CONFLICT', 'other objects depend on it'],
  ['dropping a primary key a key references', 'DELETE', '/tables/public.items/primary-key', undefined, 409, 'SCHEMA_CONFLICT', 'other objects depend on it'],
  ['dropping a primary key there is not', 'DELETE', '/tables/public.loose/primary-key', undefined, 404, 'SCHEMA_CONSTRAINT_NOT_FOUND', 'no primary key'],
  ['a key with uneven columns', 'POST', '/tables/public.items/foreign-keys', fk({ columns: ['n', 'id'] }), 400, 'INVALID_INPUT', 'as many referenced columns'],
  ['a key with an unknown action', 'POST', '/tables/public.items/foreign-keys', fk({ on_delete: 'explode' }), 400, 'INVALID_INPUT', 'on_delete'],
  ['a key to a missing table', 'POST', '/tables/public.items/foreign-keys', fk({ references: { table: 'nope', columns: ['id'] } }), 400, 'SCHEMA_REJECTED', 'nope'],
  ['a key to columns with no unique constraint', 'POST', '/tables/public.items/foreign-keys', fk({ references: { table: 'loose', columns: ['id'] } }), 400, 'SCHEMA_REJECTED', 'no unique constraint'],
  ['dropping a missing key', 'DELETE', '/tables/public.items/foreign-keys/nope', undefined, 404, 'SCHEMA_CONSTRAINT_NOT_FOUND', 'nope'],
  ['an index method that is SQL', 'POST', '/tables/public.items/indexes', { columns: ['n'], method: 'btree; drop table items' }, 400, 'INVALID_INPUT', 'method'],
  ['an index on a missing column', 'POST', '/tables/public.items/indexes', { columns: ['nope'] }, 400, 'SCHEMA_REJECTED', 'nope'],
  ['a unique hash index', 'POST', '/tables/public.items/indexes', { columns: ['n'], unique: true, method: 'hash' }, 400, 'INVALID_INPUT', 'btree'],
  ['an index name taken', 'POST', '/tables/public.items/indexes', { name: 'items_pkey', columns: ['n'] }, 409, 'SCHEMA_EXISTS', 'items_pkey'],
  ['dropping a missing index', 'DELETE', '/indexes/public.nope', undefined, 404, 'SCHEMA_INDEX_NOT_FOUND', 'nope'],
  ['dropping a platform index', 'DELETE', '/indexes/auth.users_pkey', undefined, 400, 'SCHEMA_NOT_ALLOWED', 'auth'],
  ['an existing enum', 'POST', '/enums', { name: 'color', values: ['red'] }, 409, 'SCHEMA_EXISTS', 'color'],
  ['an enum of no values', 'POST', '/enums', { name: 'mood', values: [] }, 400, 'INVALID_INPUT', 'json.values'],
  ['an enum value twice', 'POST', '/enums', { name: 'mood', values: ['a', 'a'] }, 400, 'INVALID_INPUT', 'values must differ'],
  ['an enum in a platform schema', 'POST', '/enums', { schema: 'storage', name: 'mood', values: ['a'] }, 400, 'SCHEMA_NOT_ALLOWED', 'storage'],
  ['an enum value there already', 'POST', '/enums/public.color/values', { value: 'red' }, 409, 'SCHEMA_EXISTS', 'red'],
  ['a value before a missing one', 'POST', '/enums/public.color/values', { value: 'blue', before: 'green' }, 400, 'SCHEMA_REJECTED', 'green'],
  ['a value for a missing enum', 'POST', '/enums/public.nope/values', { value: 'blue' }, 404, 'SCHEMA_TYPE_NOT_FOUND', 'public.nope'],
  ['dropping a missing enum', 'DELETE', '/enums/public.nope', undefined, 404, 'SCHEMA_TYPE_NOT_FOUND', 'public.nope'],
]

describe('bad input changes nothing', () => {
  it.each(BAD)('%s → %i', async (_label, method, path, body, status, code, says) => {
    const before = await schemaSnapshot(t.url)
    const res = await admin(floe, method, path, body)
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expectErrorShape(res.body, code)
    expect(`${String(res.body.message)} ${String(res.body.details)}`).toContain(says)
    expect(await schemaSnapshot(t.url)).toBe(before)
  })
})

const ROUTES: [method: string, path: string, operationId: string, docPath: string][] = [
  ['GET', '/tables', 'admin.listTables', '/admin/v1/tables'],
  ['GET', '/tables/public.items', 'admin.getTable', '/admin/v1/tables/{table}'],
  ['POST', '/tables', 'admin.createTable', '/admin/v1/tables'],
  ['PATCH', '/tables/public.items', 'admin.renameTable', '/admin/v1/tables/{table}'],
  ['DELETE', '/tables/public.items', 'admin.dropTable', '/admin/v1/tables/{table}'],
  ['POST', '/tables/public.items/columns', 'admin.addColumn', '/admin/v1/tables/{table}/columns'],
  ['PATCH', '/tables/public.items/columns/n', 'admin.alterColumn', '/admin/v1/tables/{table}/columns/{column}'],
  ['DELETE', '/tables/public.items/columns/n', 'admin.dropColumn', '/admin/v1/tables/{table}/columns/{column}'],
  ['PUT', '/tables/public.items/primary-key', 'admin.setPrimaryKey', '/admin/v1/tables/{table}/primary-key'],
  ['DELETE', '/tables/public.items/primary-key', 'admin.dropPrimaryKey', '/admin/v1/tables/{table}/primary-key'],
  ['POST', '/tables/public.items/foreign-keys', 'admin.addForeignKey', '/admin/v1/tables/{table}/foreign-keys'],
  ['DELETE', '/tables/public.items/foreign-keys/x', 'admin.dropForeignKey', '/admin/v1/tables/{table}/foreign-keys/{name}'],
  ['GET', '/indexes', 'admin.listIndexes', '/admin/v1/indexes'],
  ['POST', '/tables/public.items/indexes', 'admin.createIndex', '/admin/v1/tables/{table}/indexes'],
  ['DELETE', '/indexes/public.items_pkey', 'admin.dropIndex', '/admin/v1/indexes/{index}'],
  ['GET', '/enums', 'admin.listEnums', '/admin/v1/enums'],
  ['POST', '/enums', 'admin.createEnum', '/admin/v1/enums'],
  ['POST', '/enums/public.color/values', 'admin.addEnumValue', '/admin/v1/enums/{enum}/values'],
  ['DELETE', '/enums/public.color', 'admin.dropEnum', '/admin/v1/enums/{enum}'],
  ['GET', '/views', 'admin.listViews', '/admin/v1/views'],
  ['GET', '/functions', 'admin.listFunctions', '/admin/v1/functions'],
]

describe('who may use the schema editor', () => {
  it.each(ROUTES)('%s %s refuses no key, the anon key and a non-admin user', async (method, path) => {
    const before = await schemaSnapshot(t.url)
    const user = await floe.asUser({ sub: USER_A, user_role: 'admin', session_id: USER_A })
    const body = method === 'GET' ? undefined : {}
    for (const [headers, status, code] of [[{}, 401, 'API_KEY_MISSING'], [floe.anon, 401, 'UNAUTHENTICATED'], [user, 403, 'FORBIDDEN']] as const) {
      const res = await call(floe, method, `/admin/v1${path}`, headers, body)
      expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(status)
      expect((res.body as { code: string }).code).toBe(code)
    }
    expect(await schemaSnapshot(t.url)).toBe(before)
  })

  it('every route is in /openapi.json under the Admin tag', async () => {
    const doc = (await (await floe.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string; tags: string[] }>> }
    for (const [method, , operationId, docPath] of ROUTES) {
      expect(doc.paths[docPath]?.[method.toLowerCase()], operationId).toMatchObject({ operationId, tags: ['Admin'] })
    }
  })
})
