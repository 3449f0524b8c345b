/**
 * Loads the schema cache of the exposed schemas.
 *
 * Takes the process's pg.Pool rather than Kysely: the catalog query is raw SQL with a JSON result
 * that Kysely would only pass through, and the loader needs one connection for a short
 * transaction (`set local search_path` must hold for the query that follows it).
 *
 * Round trips: three on one pooled connection (`begin; set local`, the catalog query, `commit`);
 * the data itself comes in one query whatever the schema's size.
 */
import type pg from 'pg'
import { buildSchemaCache } from './build.js'
import { CATALOG_QUERY, type RawCatalog } from './catalog-query.js'
import type { SchemaCache } from './types.js'

export async function loadSchemaCache(pool: pg.Pool, schemas: string[]): Promise<SchemaCache> {
  const client = await pool.connect()
  let broken = false
  try {
    // An empty search_path makes format_type() qualify every type outside pg_catalog, so a
    // column's type reads the same whatever search_path the server's role has. Read only: the
    // loader must never write, even through a function someone slipped into pg_catalog's path.
    await client.query(`begin read only; set local search_path to ''`)
    const { rows } = await client.query<{ catalog: RawCatalog }>(CATALOG_QUERY, [schemas])
    await client.query('commit')
    const catalog = rows[0]?.catalog
    if (!catalog) throw new Error('schema cache query returned no row')
    return buildSchemaCache(catalog, schemas)
  } catch (err) {
    await client.query('rollback').catch(() => {
      broken = true
    })
    throw err
  } finally {
    client.release(broken)
  }
}
