/**
 * Column type names for result sets: the oid in a RowDescription → `int4`, `text`, `int4[]`,
 * `mood` (pg_type's own names, arrays shown as their element type plus `[]`). Cached per service
 * (one database): a type's oid never changes, and a new type gets a new oid.
 */
import { run, type Client } from '../queries.js'

/** Beyond this many cached names the cache starts over (a database with very many types). */
const MAX_CACHED = 10_000

export type TypeNames = (client: Client, oids: Iterable<number>) => Promise<Map<number, string>>

export function createTypeNames(): TypeNames {
  const cache = new Map<number, string>()
  return async (client, oids) => {
    const wanted = [...new Set(oids)]
    const missing = wanted.filter((oid) => !cache.has(oid))
    if (missing.length > 0) {
      // Schema-qualified: the admin's script may have changed search_path.
      const rows = await run<{ oid: number; name: string }>(
        client,
        `select t.oid::int as oid,
                case when t.typcategory = 'A' and t.typelem <> 0 then e.typname || '[]' else t.typname end as name
           from pg_catalog.pg_type t left join pg_catalog.pg_type e on e.oid = t.typelem
          where t.oid = any($1::oid[])`,
        [missing],
      )
      if (cache.size + rows.length > MAX_CACHED) cache.clear()
      for (const r of rows) cache.set(r.oid, r.name)
    }
    return new Map(wanted.map((oid) => [oid, cache.get(oid) ?? String(oid)]))
  }
}
