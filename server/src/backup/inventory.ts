/**
 * What a database holds, for the manifest and for restore's checks: server version, migration
 * level, every table with its row count, the roles Floe's objects need, the stored objects.
 * Every function takes a client already inside the transaction (or snapshot) to describe.
 */
import type pg from 'pg'
import { quoteIdent } from '../db/index.js'

export interface RoleInfo {
  name: string
  superuser: boolean
  inherit: boolean
  createrole: boolean
  createdb: boolean
  login: boolean
  bypassrls: boolean
  memberOf: string[]
}

export interface StoredObject {
  bucket_id: string
  version: string
  size: number
  mime_type: string
}

export interface DatabaseInventory {
  serverVersionNum: number
  serverVersion: string
  migration: string | null
  schemas: string[]
  tables: Record<string, number>
  rows: number
  roles: RoleInfo[]
  jwtSecretInDatabase: boolean
}

const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'`

export async function describeDatabase(client: pg.ClientBase): Promise<DatabaseInventory> {
  const v = await client.query<{ num: string; text: string }>(`select current_setting('server_version_num') as num, current_setting('server_version') as text`)
  const hasFloe = (await client.query(`select 1 from pg_namespace where nspname = 'floe'`)).rowCount === 1
  const migration = hasFloe ? ((await client.query<{ v: string | null }>('select max(version) as v from floe.schema_migrations')).rows[0]?.v ?? null) : null
  const schemas = (await client.query<{ s: string }>(`select n.nspname as s from pg_namespace n where ${USER_SCHEMAS} order by 1`)).rows.map((r) => r.s)
  const tableRows = await client.query<{ s: string; t: string }>(
    `select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ${USER_SCHEMAS} order by 1, 2`,
  )
  const tables: Record<string, number> = {}
  let rows = 0
  for (const { s, t } of tableRows.rows) {
    // Exact counts: the manifest states what a restore must give back.
    const n = Number((await client.query<{ n: string }>(`select count(*) as n from only ${quoteIdent(s)}.${quoteIdent(t)}`)).rows[0]!.n)
    tables[`${s}.${t}`] = n
    rows += n
  }
  const jwtSecretInDatabase = hasFloe && (await client.query(`select 1 from floe.instance_secrets where name = 'jwt_secret'`)).rowCount === 1
  return { serverVersionNum: Number(v.rows[0]!.num), serverVersion: v.rows[0]!.text, migration, schemas, tables, rows, roles: await listRoles(client), jwtSecretInDatabase }
}

/** Roles created in the cluster (not the bootstrap superuser, not pg_*): a dump's owners and grants name them. */
async function listRoles(client: pg.ClientBase): Promise<RoleInfo[]> {
  const r = await client.query<Omit<RoleInfo, 'memberOf'> & { member_of: string[] }>(`
    select r.rolname as name, r.rolsuper as superuser, r.rolinherit as inherit, r.rolcreaterole as createrole,
           r.rolcreatedb as createdb, r.rolcanlogin as login, r.rolbypassrls as bypassrls,
           coalesce(array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
                          where m.member = r.oid and g.oid >= 16384 order by 1)::text[], '{}') as member_of
    from pg_roles r where r.oid >= 16384 and r.rolname !~ '^pg_' order by 1`)
  return r.rows.map(({ member_of, ...role }) => ({ ...role, memberOf: member_of }))
}

export async function listStoredObjects(client: pg.ClientBase): Promise<StoredObject[]> {
  const has = (await client.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'storage' and c.relname = 'objects'`)).rowCount === 1
  if (!has) return []
  const r = await client.query<{ bucket_id: string; version: string; size: string; mime_type: string }>(
    'select bucket_id, version, size, mime_type from storage.objects order by bucket_id, version',
  )
  return r.rows.map((o) => ({ ...o, size: Number(o.size) }))
}

/** Why a database is not empty (a table or schema of its own), or undefined when it is. */
export async function findContent(client: pg.ClientBase): Promise<string | undefined> {
  const r = await client.query<{ what: string }>(`
    select format('%s %I.%I', case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end, n.nspname, c.relname) as what from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${USER_SCHEMAS}
    union all
    select format('schema %I', n.nspname) from pg_namespace n where ${USER_SCHEMAS} and n.nspname <> 'public'
    limit 1`)
  return r.rows[0]?.what
}
