/**
 * The TypeScript text: the `Database` type in the shape postgres-meta prints and supabase-js /
 * postgrest-js consume (schemas → Tables / Views / Functions / Enums / CompositeTypes), the
 * `Json` type, the helpers `Tables<>`, `TablesInsert<>`, `TablesUpdate<>`, `Enums<>`,
 * `CompositeTypes<>`, `Constants`, and Floe's own `Jobs` (queue name → payload). Pure: the same
 * catalog gives the same text, byte for byte (names in code-point order, not locale order).
 */
import type { RawTypegenCatalog } from './catalog-query.js'
import type { FunctionShape, Signature } from './functions.js'
import { tsTypeFromJsonSchema, type JsonSchema } from './json-schema.js'
import { orNull, tsTypeOf, type TypeContext } from './pg-types.js'
import { cmp, type Member, type RelationShape, type Relationship } from './relations.js'

const q = JSON.stringify
/** A property name as prettier prints it: bare when it is an identifier, quoted otherwise. */
const key = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : q(name))
const EMPTY = '[_ in never]: never'

function indent(lines: string[], by: number): string[] {
  const pad = ' '.repeat(by)
  return lines.map((l) => (l === '' ? l : pad + l))
}

function block(head: string, body: string[], close = '}'): string[] {
  return [`${head} {`, ...indent(body, 2), close]
}

const member = (m: Member) => `${key(m.name)}${m.optional ? '?' : ''}: ${m.type}`

function relationship(r: Relationship): string[] {
  return block('', [
    `foreignKeyName: ${q(r.foreignKeyName)}`,
    `columns: ${q(r.columns)}`,
    `isOneToOne: ${r.isOneToOne}`,
    `referencedRelation: ${q(r.referencedRelation)}`,
    `referencedColumns: ${q(r.referencedColumns)}`,
  ]).map((l, i) => (i === 0 ? '{' : l))
}

function relation(shape: RelationShape): string[] {
  const body = [...block('Row:', shape.row.map(member))]
  if (shape.insert) body.push(...block('Insert:', shape.insert.map(member)))
  if (shape.update) body.push(...block('Update:', shape.update.map(member)))
  if (shape.relationships.length === 0) body.push('Relationships: []')
  else {
    const items = shape.relationships.map(relationship)
    body.push('Relationships: [', ...indent(items.flatMap((lines, i) => (i < items.length - 1 ? [...lines.slice(0, -1), '},'] : lines)), 2), ']')
  }
  if (shape.computedFields.length > 0) body.push(`ComputedFields: ${shape.computedFields.map((n) => q(n)).join(' | ')}`)
  return block(`${key(shape.name)}:`, body)
}

function signature(s: Signature): string[] {
  const body = [s.args ? `Args: { ${s.args.map(member).join('; ')} }` : 'Args: never', `Returns: ${s.returns}`]
  if (s.setof) {
    const o = s.setof
    body.push(`SetofOptions: { from: ${q(o.from)}; to: ${q(o.to)}; isOneToOne: ${o.isOneToOne}; isSetofReturn: ${o.isSetofReturn} }`)
  }
  return block('', body).map((l, i) => (i === 0 ? '{' : l))
}

function fn(f: FunctionShape): string[] {
  if (f.signatures.length === 1) return block(`${key(f.name)}:`, signature(f.signatures[0]!).slice(1, -1).map((l) => l.slice(2)))
  // Overloads as a union, laid out as prettier prints one.
  return [`${key(f.name)}:`, ...f.signatures.flatMap((s) => ['  | {', ...indent(signature(s).slice(1, -1), 4), '    }'])]
}

const section = (name: string, items: string[][]) => (items.length === 0 ? [`${name}: {`, `  ${EMPTY}`, '}'] : block(`${name}:`, items.flat()))

export interface RenderInput {
  schemas: string[]
  catalog: RawTypegenCatalog
  ctx: TypeContext
  relations: Map<string, RelationShape[]>
  functions: Map<string, FunctionShape[]>
  /** Declared job queues (floe.queues), in name order. */
  /** Declared queues in name order, with their handler's payload schema when it has one. */
  queues: { name: string; payload: JsonSchema | undefined }[]
}

function schemaBody(schema: string, input: RenderInput): string[] {
  const rels = input.relations.get(schema) ?? []
  const types = input.catalog.types.filter((t) => t.schema === schema).sort((a, b) => cmp(a.name, b.name))
  const enums = types.filter((t) => t.kind === 'e').map((t) => [`${key(t.name)}: ${(t.labels ?? []).map((l) => q(l)).join(' | ') || 'never'}`])
  const composites = types
    .filter((t) => t.kind === 'c' && t.relkind === 'c')
    .map((t) => block(`${key(t.name)}:`, (t.attributes ?? []).map((a) => `${key(a.name)}: ${orNull(tsTypeOf(a.type, input.ctx), true)}`)))
  return [
    ...section('Tables', rels.filter((r) => r.section === 'Tables').map(relation)),
    ...section('Views', rels.filter((r) => r.section === 'Views').map(relation)),
    ...section('Functions', (input.functions.get(schema) ?? []).map(fn)),
    ...section('Enums', enums),
    ...section('CompositeTypes', composites),
  ]
}

export function renderTypescript(input: RenderInput): string {
  const database = block('export type Database =', [
    '// Lets createClient pick the right options without createClient<Database, { PostgrestVersion: "12" }>',
    ...block('__InternalSupabase:', ['PostgrestVersion: "12"']),
    ...input.schemas.flatMap((s) => block(`${key(s)}:`, schemaBody(s, input))),
  ])
  const jobs = block('export type Jobs =', input.queues.length === 0 ? [EMPTY] : input.queues.map((qd) => `${key(qd.name)}: { Payload: ${qd.payload === undefined ? 'Json' : tsTypeFromJsonSchema(qd.payload)} }`))
  const constants = block(
    'export const Constants =',
    input.schemas.flatMap((s) => {
      const enums = input.catalog.types.filter((t) => t.schema === s && t.kind === 'e').sort((a, b) => cmp(a.name, b.name))
      return block(`${key(s)}:`, block('Enums:', enums.map((t) => `${key(t.name)}: [${(t.labels ?? []).map((l) => q(l)).join(', ')}],`)), '},')
    }),
    '} as const',
  )
  return [
    '// Generated by `floe gen types typescript`. Do not edit: run it again after a schema change.',
    '',
    'export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]',
    '',
    ...database,
    '',
    '/**',
    ' * Job queues declared on the server, by name: the payload their handler\'s zod schema accepts,',
    ' * or `Json` for a handler without one.',
    ' */',
    ...jobs,
    '',
    HELPERS,
    '',
    ...constants,
    '',
  ].join('\n')
}

const HELPERS = `type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends { Row: infer R }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends { Row: infer R }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"] | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends { Insert: infer I }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends { Insert: infer I }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"] | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends { Update: infer U }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends { Update: infer U }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"] | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"] | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never`
