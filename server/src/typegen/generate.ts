/**
 * `floe gen types typescript`: reads the catalog of the given schemas (one query, read only, as
 * the owner) and the declared job queues with their handlers, and returns the TypeScript text; a
 * queue whose handler declares a payload schema (its JSON Schema, handed in) gets that type.
 */
import type { WithOwner } from '../db/index.js'
import { resolveViewOrigins } from '../rest/index.js'
import { TYPEGEN_QUERY, type RawTypegenCatalog } from './catalog-query.js'
import { buildFunctions } from './functions.js'
import type { JsonSchema } from './json-schema.js'
import type { TypeContext } from './pg-types.js'
import { buildRelations, cmp } from './relations.js'
import { renderTypescript } from './render.js'

export interface TypegenSource {
  catalog: RawTypegenCatalog
  queues: { name: string; handler: string }[]
  /** The JSON Schema of each handler's payload, by handler name (those that declare one). */
  payloads: Record<string, JsonSchema>
}

export async function loadTypegenSource(withOwner: WithOwner, schemas: string[], payloads: Record<string, JsonSchema> = {}): Promise<TypegenSource> {
  return withOwner(
    'gen types: read the catalog',
    async ({ client }) => {
      const { rows } = await client.query<{ catalog: RawTypegenCatalog }>(TYPEGEN_QUERY, [schemas])
      const catalog = rows[0]?.catalog
      if (!catalog) throw new Error('typegen catalog query returned no row')
      // floe.queues exists once the platform migrations ran; a bare database has no queues.
      const { rows: has } = await client.query<{ ok: boolean }>("select to_regclass('floe.queues') is not null as ok")
      const queues = has[0]?.ok ? (await client.query<{ name: string; handler: string }>('select name, handler from floe.queues order by name')).rows : []
      return { catalog, queues, payloads }
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
  return renderTypescript({ schemas: described, catalog, ctx, relations, functions: functions.bySchema,
    queues: [...source.queues].sort((a, b) => cmp(a.name, b.name)).map((qd) => ({ name: qd.name, payload: source.payloads[qd.handler] })),
  })
}

export async function generateTypescript(withOwner: WithOwner, schemas: string[], payloads: Record<string, JsonSchema> = {}): Promise<string> {
  return renderTypegenSource(await loadTypegenSource(withOwner, schemas, payloads), schemas)
}
