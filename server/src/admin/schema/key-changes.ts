/** Changes to keys, indexes and enum types, each a Change for the runner. */
import { ApiError } from '../../errors/index.js'
import { run, type Client } from '../queries.js'
import { findPrimaryKey, listEnums, listIndexes } from './catalog.js'
import type { Enum, Index, TableDetail } from './models.js'
import * as plan from './plan.js'
import { checkSchema, resolveTable } from './resolve.js'
import type { Change } from './runner.js'
import { splitQualified, type CreateIndexBody, type ForeignKeySpec } from './shapes.js'
import { planForeignKey, tableChange, type ChangeContext } from './table-changes.js'

export const setPrimaryKey = (ctx: ChangeContext, ref: string, columns: string[]): Change<TableDetail> =>
  tableChange(ctx, ref, 'set_primary_key', async (client, t) => plan.setPrimaryKeySql(t, columns, (await findPrimaryKey(client, t.oid))?.name))

export const dropPrimaryKey = (ctx: ChangeContext, ref: string, cascade: boolean): Change<TableDetail> =>
  tableChange(ctx, ref, 'drop_primary_key', async (client, t) => {
    const pk = await findPrimaryKey(client, t.oid)
    if (!pk) throw new ApiError('SCHEMA_CONSTRAINT_NOT_FOUND', { message: `${ref} has no primary key` })
    return plan.dropConstraintSql(t, pk.name, cascade)
  })

export const addForeignKey = (ctx: ChangeContext, ref: string, fk: ForeignKeySpec): Change<TableDetail> =>
  tableChange(ctx, ref, 'add_foreign_key', async (_client, t) => [plan.addForeignKeySql(t, planForeignKey(fk))])

export const dropForeignKey = (ctx: ChangeContext, ref: string, name: string): Change<TableDetail> =>
  tableChange(ctx, ref, 'drop_foreign_key', async (client, t) => {
    const found = await run(client, `select 1 from pg_constraint where conrelid = $1 and conname = $2 and contype = 'f'`, [t.oid, name])
    if (found.length === 0) throw new ApiError('SCHEMA_CONSTRAINT_NOT_FOUND', { message: `No foreign key ${JSON.stringify(name)} on ${ref}` })
    return plan.dropConstraintSql(t, name)
  })

async function indexNamed(client: Client, schema: string, name: string): Promise<Index> {
  const [found] = await listIndexes(client, [schema], { name })
  if (!found) throw new ApiError('SCHEMA_INDEX_NOT_FOUND', { message: `No index ${schema}.${name}` })
  return found
}

export function createIndex(ctx: ChangeContext, ref: string, body: CreateIndexBody): Change<Index> {
  let target: { schema: string; name: string } | undefined
  return {
    action: 'create_index',
    target: ref,
    plan: async (client) => {
      const t = await resolveTable(client, ctx.exposedSchemas, ref)
      target = { schema: t.schema, name: body.name ?? plan.defaultName(t.name, body.columns, 'idx') }
      return plan.createIndexSql(t, target.name, body.columns, body.unique, body.method)
    },
    result: (client) => indexNamed(client, target!.schema, target!.name),
  }
}

export function dropIndex(ctx: ChangeContext, ref: string): Change<object> {
  const index = splitQualified(ref)
  return {
    action: 'drop_index',
    target: ref,
    plan: async (client) => {
      checkSchema(ctx.exposedSchemas, index.schema)
      await indexNamed(client, index.schema, index.name)
      return plan.dropIndexSql(index)
    },
    result: async () => ({}),
  }
}

async function enumNamed(client: Client, ctx: ChangeContext, ref: string): Promise<Enum> {
  const { schema, name } = splitQualified(ref)
  checkSchema(ctx.exposedSchemas, schema)
  const [found] = await listEnums(client, [schema], name)
  if (!found) throw new ApiError('SCHEMA_TYPE_NOT_FOUND', { message: `No enum type ${ref}` })
  return found
}

export function createEnum(ctx: ChangeContext, body: { schema: string; name: string; values: string[] }): Change<Enum> {
  const ref = `${body.schema}.${body.name}`
  return {
    action: 'create_enum',
    target: ref,
    plan: async () => {
      checkSchema(ctx.exposedSchemas, body.schema)
      return plan.createEnumSql(body, body.values)
    },
    result: (client) => enumNamed(client, ctx, ref),
  }
}

export function addEnumValue(ctx: ChangeContext, ref: string, body: { value: string; before?: string | undefined; after?: string | undefined }): Change<Enum> {
  return {
    action: 'add_enum_value',
    target: ref,
    plan: async (client) => plan.addEnumValueSql(await enumNamed(client, ctx, ref), body.value, body),
    result: (client) => enumNamed(client, ctx, ref),
  }
}

export function dropEnum(ctx: ChangeContext, ref: string, cascade: boolean): Change<object> {
  return {
    action: 'drop_enum',
    target: ref,
    plan: async (client) => plan.dropEnumSql(await enumNamed(client, ctx, ref), cascade),
    result: async () => ({}),
  }
}
