import type pg from 'pg'
import { quoteIdent } from './sql-ident.js'

/**
 * Grants the request roles usage of each configured exposed schema and default privileges on
 * what the server's role creates there (migration 0001 does this for `public`). Idempotent; run
 * at boot because the list is configuration, not a migration. A schema that does not exist yet
 * is skipped with a warning by the caller. The list is also written to floe.exposed_schemas (even
 * schemas not created yet), where the event trigger of migration 0005 reads it to enable RLS on
 * every new table there.
 */
export async function ensureExposedSchemas(pool: pg.Pool, schemas: string[]): Promise<{ missing: string[] }> {
  const { rows } = await pool.query<{ nspname: string }>('select nspname from pg_namespace where nspname = any($1)', [schemas])
  const present = new Set(rows.map((r) => r.nspname))
  const statements: string[] = []
  for (const schema of schemas) {
    if (!present.has(schema) || schema === 'public') continue
    const s = quoteIdent(schema)
    statements.push(
      `grant usage on schema ${s} to anon, authenticated, service_role`,
      `alter default privileges in schema ${s} grant select, insert, update, delete on tables to anon, authenticated, service_role`,
      `alter default privileges in schema ${s} grant usage, select on sequences to anon, authenticated, service_role`,
      `alter default privileges in schema ${s} grant execute on functions to anon, authenticated, service_role`,
    )
  }
  if (statements.length > 0) await pool.query(statements.join(';\n'))
  await pool.query('select floe.set_exposed_schemas($1)', [schemas])
  return { missing: schemas.filter((s) => !present.has(s)) }
}
