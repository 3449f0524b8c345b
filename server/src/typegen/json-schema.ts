/**
 * A job payload's TypeScript type from its JSON Schema (what a handler's zod `payload` schema
 * becomes through `z.toJSONSchema`, as the enqueuer sends it). Covers what zod emits: objects
 * (required and optional properties, records), arrays and tuples, string / number / integer /
 * boolean / null, enums and literals, unions (anyOf / oneOf), intersections (allOf) and `$ref`s to
 * `$defs`. Anything else is `Json`.
 */
export type JsonSchema = boolean | { [keyword: string]: unknown }

const q = JSON.stringify
const key = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : q(name))
const MAX_DEPTH = 20

interface Ctx {
  defs: Record<string, JsonSchema>
  /** `$ref`s being expanded: a recursive schema ends in `Json` rather than looping. */
  expanding: Set<string>
  depth: number
}

const asObject = (s: unknown): Record<string, unknown> | undefined => (typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as Record<string, unknown>) : undefined)
const schemas = (v: unknown): JsonSchema[] => (Array.isArray(v) ? (v as JsonSchema[]) : [])

function union(types: string[]): string {
  const unique = [...new Set(types)]
  if (unique.includes('Json')) return 'Json'
  return unique.length === 0 ? 'never' : unique.join(' | ')
}

/** A type as an array element or intersection part: unions and intersections in parentheses. */
const wrap = (t: string) => (/[|&]/.test(t) && !/^\{.*\}$|^\[.*\]$/.test(t) ? `(${t})` : t)

function objectType(s: Record<string, unknown>, ctx: Ctx): string {
  const props = asObject(s.properties) ?? {}
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : [])
  const members = Object.keys(props).map((name) => `${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(props[name] as JsonSchema, ctx)}`)
  const extra = s.additionalProperties
  if (members.length === 0) {
    if (extra === false) return '{ [_ in never]: never }'
    return `{ [key: string]: ${extra === undefined || extra === true ? 'Json' : typeOf(extra as JsonSchema, ctx)} }`
  }
  return `{ ${members.join('; ')} }`
}

function arrayType(s: Record<string, unknown>, ctx: Ctx): string {
  const prefix = schemas(s.prefixItems)
  if (prefix.length > 0) {
    const parts = prefix.map((p) => typeOf(p, ctx))
    if (s.items !== undefined && s.items !== false) parts.push(`...${wrap(typeOf(s.items as JsonSchema, ctx))}[]`)
    return `[${parts.join(', ')}]`
  }
  return `${wrap(s.items === undefined || s.items === true ? 'Json' : typeOf(s.items as JsonSchema, ctx))}[]`
}

function byType(type: string, s: Record<string, unknown>, ctx: Ctx): string {
  switch (type) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return arrayType(s, ctx)
    case 'object':
      return objectType(s, ctx)
    default:
      return 'Json'
  }
}

function typeOf(schema: JsonSchema, outer: Ctx): string {
  const s = asObject(schema)
  if (!s || outer.depth > MAX_DEPTH) return schema === false ? 'never' : 'Json'
  const ctx = { ...outer, depth: outer.depth + 1 }
  if (typeof s.$ref === 'string') {
    const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(s.$ref)?.[1]
    const target = name === undefined ? undefined : ctx.defs[name]
    if (target === undefined || ctx.expanding.has(name!)) return 'Json'
    return typeOf(target, { ...ctx, expanding: new Set([...ctx.expanding, name!]) })
  }
  if ('const' in s) return q(s.const)
  if (Array.isArray(s.enum)) return union(s.enum.map((v) => q(v)))
  const alternatives = [...schemas(s.anyOf), ...schemas(s.oneOf)]
  if (alternatives.length > 0) return union(alternatives.map((a) => typeOf(a, ctx)))
  const all = schemas(s.allOf)
  if (all.length > 0) return all.map((a) => wrap(typeOf(a, ctx))).join(' & ')
  if (Array.isArray(s.type)) return union((s.type as string[]).map((t) => byType(t, s, ctx)))
  if (typeof s.type === 'string') return byType(s.type, s, ctx)
  if (s.properties !== undefined) return objectType(s, ctx)
  return 'Json'
}

/** The TypeScript type of values valid under `schema`. */
export function tsTypeFromJsonSchema(schema: JsonSchema): string {
  const root = asObject(schema)
  const defs = { ...(asObject(root?.definitions) as Record<string, JsonSchema> | undefined), ...(asObject(root?.$defs) as Record<string, JsonSchema> | undefined) }
  return typeOf(schema, { defs, expanding: new Set(), depth: 0 })
}
