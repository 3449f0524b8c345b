/** The schema editor's input and output shapes (zod), shared by its routes. */
import { z } from '@hono/zod-openapi'

/**
 * A name the editor creates: lowercase letters, digits and _, so it never needs quoting in a URL
 * or a query. Reserved words (`user`, `order`) are allowed: every identifier is quoted in the SQL.
 * Postgres silently truncates names past 63 bytes, so a longer one is refused rather than renamed.
 */
export const NewName = z
  .string()
  .max(63, 'at most 63 bytes (Postgres would cut a longer name)')
  .regex(/^[a-z_][a-z0-9_]*$/, 'expected lowercase letters, digits and _, starting with a letter or _')
  .openapi({ example: 'todos' })

/** An existing object's name: anything Postgres allows, checked against the catalog before use. */
export const ExistingName = z
  .string()
  .min(1)
  .max(63, 'at most 63 bytes')
  .refine((s) => !s.includes('\0'), 'no NUL characters')

/**
 * A type as an admin writes it (`int`, `text[]`, `varchar(20)`, `timestamp(3) with time zone`,
 * `public.status`): a grammar of unquoted words, digit modifiers and array brackets only, so the
 * text cannot carry anything but a type name; Postgres then resolves it with to_regtype.
 */
export const TypeName = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .max(128)
      .regex(
        /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?( [A-Za-z_][A-Za-z0-9_$]*)*( ?\(\d{1,4}( ?, ?\d{1,4})?\))?( with(out)? time zone)?( ?\[\d*\])*$/,
        'expected a type name such as text, int, varchar(20), text[] or public.my_enum',
      ),
  )
  .openapi({ example: 'text' })

/** SQL the admin writes (a default, a USING conversion): one expression, which Postgres checks. */
export const Expression = z.string().trim().min(1, 'expected an SQL expression').max(8000)

const QualifiedRef = /^([a-z_][a-z0-9_]*)\.([^.]{1,63})$/
export function splitQualified(ref: string): { schema: string; name: string } {
  const m = QualifiedRef.exec(ref)
  return { schema: m?.[1] ?? '', name: m?.[2] ?? '' }
}
const qualified = (what: string, example: string) =>
  z.string().regex(QualifiedRef, `expected <schema>.<${what}>`).openapi({ param: { name: what, in: 'path' }, example })

export const TableParams = z.object({ table: qualified('table', 'public.todos') })
export const ColumnParams = TableParams.extend({ column: ExistingName.openapi({ param: { name: 'column', in: 'path' }, example: 'title' }) })
export const ConstraintParams = TableParams.extend({ name: ExistingName.openapi({ param: { name: 'name', in: 'path' }, example: 'todos_owner_id_fkey' }) })
export const IndexParams = z.object({ index: qualified('index', 'public.todos_title_idx') })
export const EnumParams = z.object({ enum: qualified('enum', 'public.status') })

const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true')
/** Every change takes `?dry_run=true`: answer the SQL, run nothing. */
export const DryRunQuery = z.object({ dry_run: flag.openapi({ description: 'Answer the SQL without running it' }) })
export const DropQuery = DryRunQuery.extend({ cascade: flag.openapi({ description: 'Also drop the objects that depend on it' }) })
export const SchemaQuery = z.object({ schema: z.string().max(63).optional().openapi({ example: 'public' }) })

const FkAction = z.enum(['no action', 'restrict', 'cascade', 'set null', 'set default'])

export const ColumnSpec = z
  .object({
    name: NewName,
    type: TypeName,
    default: Expression.optional().openapi({ example: 'now()' }),
    nullable: z.boolean().default(true),
    unique: z.boolean().default(false),
    primary_key: z.boolean().default(false),
    identity: z.enum(['always', 'by_default']).optional(),
  })
  .refine((c) => !(c.identity && c.default !== undefined), { message: 'an identity column takes no default', path: ['default'] })
  .openapi('ColumnSpec')
export type ColumnSpec = z.infer<typeof ColumnSpec>

export const ForeignKeySpec = z
  .object({
    name: NewName.optional(),
    columns: z.array(ExistingName).min(1).max(32),
    references: z.object({ schema: z.string().max(63).default('public'), table: ExistingName, columns: z.array(ExistingName).min(1).max(32) }),
    on_delete: FkAction.default('no action'),
    on_update: FkAction.default('no action'),
  })
  .refine((f) => f.columns.length === f.references.columns.length, { message: 'as many referenced columns as columns', path: ['references', 'columns'] })
  .openapi('ForeignKeySpec')
export type ForeignKeySpec = z.infer<typeof ForeignKeySpec>

const unique = (names: string[]) => new Set(names).size === names.length

export const CreateTableBody = z
  .object({
    schema: z.string().max(63).default('public'),
    name: NewName,
    columns: z.array(ColumnSpec).min(1).max(200),
    foreign_keys: z.array(ForeignKeySpec).max(32).default([]),
  })
  .refine((b) => unique(b.columns.map((c) => c.name)), { message: 'column names must differ', path: ['columns'] })
  .openapi('CreateTableBody')
export type CreateTableBody = z.infer<typeof CreateTableBody>

export const RenameBody = z.object({ name: NewName }).openapi('RenameBody')

export const AlterColumnBody = z
  .object({
    type: TypeName.optional(),
    using: Expression.optional().openapi({ description: 'How to convert the values, e.g. title::int' }),
    default: Expression.nullable().optional().openapi({ description: 'An expression, or null to drop the default' }),
    nullable: z.boolean().optional(),
    unique: z.boolean().optional(),
    name: NewName.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' })
  .refine((b) => b.using === undefined || b.type !== undefined, { message: 'using goes with a new type', path: ['using'] })
  .openapi('AlterColumnBody')
export type AlterColumnBody = z.infer<typeof AlterColumnBody>

const Columns = z.array(ExistingName).min(1).max(32).refine(unique, 'columns must differ')
export const PrimaryKeyBody = z.object({ columns: Columns }).openapi('PrimaryKeyBody')

export const IndexMethod = z.enum(['btree', 'hash', 'gin', 'gist', 'brin'])
export const CreateIndexBody = z
  .object({ name: NewName.optional(), columns: Columns, unique: z.boolean().default(false), method: IndexMethod.default('btree') })
  .refine((b) => !b.unique || b.method === 'btree', { message: 'only a btree index can be unique', path: ['unique'] })
  .openapi('CreateIndexBody')
export type CreateIndexBody = z.infer<typeof CreateIndexBody>

const EnumValue = z.string().min(1).max(63, 'at most 63 bytes').refine((s) => !s.includes('\0'), 'no NUL characters')
export const CreateEnumBody = z
  .object({ schema: z.string().max(63).default('public'), name: NewName, values: z.array(EnumValue).min(1).max(500).refine(unique, 'values must differ') })
  .openapi('CreateEnumBody')
export const AddEnumValueBody = z
  .object({ value: EnumValue, before: EnumValue.optional(), after: EnumValue.optional() })
  .refine((b) => !(b.before && b.after), { message: 'before or after, not both' })
  .openapi('AddEnumValueBody')
