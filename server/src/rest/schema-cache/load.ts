/**
 * Loads the schema cache of the exposed schemas.
 *
 * Through the owner door's pg client rather than Kysely: the catalog query is raw SQL with a JSON
 * result that Kysely would only pass through, and it needs a short transaction of its own
 * (`set local search_path` must hold for the query that follows it).
 *
 * Round trips: three on one pooled connection (`begin read only; set local search_path`, the
 * catalog query, `commit`); the data itself comes in one query whatever the schema's size.
 */
import type { WithOwner } from '../../db/index.js'
import { buildSchemaCache } from './build.js'
import { CATALOG_QUERY, type RawCatalog } from './catalog-query.js'
import type { SchemaCache } from './types.js'

export async function loadSchemaCache(withOwner: WithOwner, schemas: string[]): Promise<SchemaCache> {
  // An empty search_path makes format_type() qualify every type outside pg_catalog, so a
  // column's type reads the same whatever search_path the server's role has. Read only: the
  // loader must never write, even through a function someone slipped into pg_catalog's path.
  const rows = await withOwner(
    'schema cache: load the catalog',
    async ({ client }) => (await client.query<{ catalog: RawCatalog }>(CATALOG_QUERY, [schemas])).rows,
    { readOnly: true, settings: { search_path: '' } },
  )
  const catalog = rows[0]?.catalog
  if (!catalog) throw new Error('schema cache query returned no row')
  return buildSchemaCache(catalog, schemas)
}
