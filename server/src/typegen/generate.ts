/**
 * `floe gen types typescript`: reads the catalog of the given schemas (one query, read only, as
 * the owner) and the declared job queues, and returns the TypeScript text.
 */
import type { WithOwner } from '../db/index.js'
import { resolveViewOrigins } from '../rest/index.js'
import { TYPEGEN_QUERY, type RawTypegenCatalog } from './catalog-query.js'
import { buildFunctions } from './functions.js'
import type { TypeContext } from './pg-types.js'
import { buildRelations, cmp } from './relations.js'
import { renderTypescript } from './render.js'

export interface TypegenSource {
  catalog: RawTypegenCatalog
  queues: string[]
}

export async function loadTypegenSource(withOwner: WithOwner, schemas: string[]): Promise<TypegenSource> {
  return withOwner(
    'gen types: read the catalog',
    async ({ client }) => {
      const { rows } = await client.query<{ catalog: RawTypegenCatalog }>(TYPEGEN_QUERY, [schemas])
      const catalog = rows[0]?.catalog
      if (!catalog) throw new Error('typegen catalog query returned no row')
      // floe.queues exists once the platform migrations ran; a bare database has no queues.
      const { rows: has } = await client.query<{ ok: boolean }>("select to_regclass('floe.queues') is not null as ok")
      const queues = has[0]?.ok ? (await client.query<{ name: string }>('select name from floe.queues order by name')).rows.map((r) => r.name) : []
      return { catalog, queues }
    },
    { readOnly: true, settings: { search_path: '' } },
  )
}

/** The text for a catalog already read: pure, so tests can pin it. */
export function renderTypegenSource(source: TypegenSource, schemas: string[]): string {
  const { catalog } = source
  const described = [...new Set(schemas)].sort(cmp)
  const ctx: TypeContext = {
    types: new Map(catalog.types.map((t) => [t.oid, t])),
    schemas: new Set(described),
    relationSection: new Map(
      catalog.relations.map((r) => [r.oid, { schema: r.schema, name: r.name, section: r.kind === 'v' || r.kind === 'm' ? 'Views' : 'Tables' }] as const),
    ),
  }
  const origins = resolveViewOrigins(catalog.views)
  const functions = buildFunctions(catalog, ctx)
  const relations = buildRelations({ catalog, ctx, origins, computed: functions.computed })
  return renderTypescript({ schemas: described, catalog, ctx, relations, functions: functions.bySchema, queues: [...source.queues].sort(cmp) })
}

export async function generateTypescript(withOwner: WithOwner, schemas: string[]): Promise<string> {
  return renderTypegenSource(await loadTypegenSource(withOwner, schemas), schemas)
}
