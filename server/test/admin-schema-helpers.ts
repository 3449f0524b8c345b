import { expect } from 'vitest'
import type { TestApp } from './app.js'
import { call, sqlOn } from './rules-helpers.js'

export type Reply = { status: number; body: Record<string, unknown> & { sql?: string[] } }

/** A call to /admin/v1 with the service key. */
export async function admin(floe: TestApp, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await call(floe, method, `/admin/v1${path}`, floe.service, body)
  return res as Reply
}

/** Everything the editor can change in the schema `public`, as one comparable text. */
export async function schemaSnapshot(url: string): Promise<string> {
  const rows = await sqlOn<{ line: string }>(
    url,
    `select c.relname || ':' || c.relkind::text || ':' || c.relrowsecurity || ':' ||
            coalesce((select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' ||
                                        coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ', ' order by a.attnum)
                        from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '') as line
       from pg_class c where c.relnamespace = 'public'::regnamespace
     union all
     select conrelid::regclass || ':' || conname || ':' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
     union all
     select t.typname || ':' || string_agg(e.enumlabel, ',' order by e.enumsortorder)
       from pg_type t join pg_enum e on e.enumtypid = t.oid where t.typnamespace = 'public'::regnamespace group by t.typname
     union all
     select 'audit:' || count(*) from floe.admin_audit_log
     order by 1`,
  )
  return rows.map((r) => r.line).join('\n')
}

export function expectSqlAnswer(reply: Reply, status: number): string[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status)
  expect(Array.isArray(reply.body.sql)).toBe(true)
  return reply.body.sql!
}
