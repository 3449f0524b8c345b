/** Changes to tables and their columns, each a Change for the runner. */
import { ApiError } from '../../errors/index.js'
import { run, type Client } from '../queries.js'
import { findTableOid, getTableDetail } from './catalog.js'
import type { TableDetail } from './models.js'
import * as plan from './plan.js'
import { checkSchema, checkUsing, findColumn, parseDefault, resolveTable, resolveType, type TableRef } from './resolve.js'
import type { Change } from './runner.js'
import type { AlterColumnBody, ColumnSpec, CreateTableBody, ForeignKeySpec } from './shapes.js'

export interface ChangeContext {
  exposedSchemas: readonly string[]
}

export async function planColumn(client: Client, spec: ColumnSpec): Promise<plan.ColumnPlan> {
  const type = await resolveType(client, spec.type)
  return {
    name: spec.name,
    type,
    default: spec.default !== undefined ? await parseDefault(client, type, spec.default) : undefined,
    nullable: spec.nullable,
    unique: spec.unique,
    primaryKey: spec.primary_key,
    identity: spec.identity,
  }
}

export const planForeignKey = (fk: ForeignKeySpec): plan.ForeignKeyPlan => ({
  name: fk.name,
  columns: fk.columns,
  references: { schema: fk.references.schema, table: fk.references.table, columns: fk.references.columns },
  onDelete: fk.on_delete,
  onUpdate: fk.on_update,
})

/** The table as a change left it, found again by name (it may have been renamed). */
export async function tableAfter(client: Client, schema: string, name: string): Promise<TableDetail> {
  const oid = await findTableOid(client, schema, name)
  const detail = oid === undefined ? undefined : await getTableDetail(client, oid)
  if (!detail) throw new ApiError('SCHEMA_TABLE_NOT_FOUND', { message: `No table ${schema}.${name}` })
  return detail
}

/** A change to one existing table whose answer is that table. */
export function tableChange(
  ctx: ChangeContext,
  ref: string,
  action: string,
  build: (client: Client, t: TableRef) => Promise<string[]>,
  names: { renamedTo?: string; column?: string } = {},
): Change<TableDetail> {
  let table: TableRef | undefined
  const renamedTo = names.renamedTo
  return {
    action,
    target: names.column !== undefined ? `${ref}.${names.column}` : ref,
    plan: async (client) => build(client, (table = await resolveTable(client, ctx.exposedSchemas, ref))),
    result: (client) => tableAfter(client, table!.schema, renamedTo ?? table!.name),
  }
}

export function createTable(ctx: ChangeContext, body: CreateTableBody): Change<TableDetail> {
  return {
    action: 'create_table',
    target: `${body.schema}.${body.name}`,
    plan: async (client) => {
      checkSchema(ctx.exposedSchemas, body.schema)
      const columns: plan.ColumnPlan[] = []
      for (const spec of body.columns) columns.push(await planColumn(client, spec))
      return plan.createTableSql({ schema: body.schema, name: body.name }, columns, body.foreign_keys.map(planForeignKey))
    },
    result: (client) => tableAfter(client, body.schema, body.name),
  }
}

export const renameTable = (ctx: ChangeContext, ref: string, to: string): Change<TableDetail> =>
  tableChange(ctx, ref, 'rename_table', async (_client, t) => plan.renameTableSql(t, to), { renamedTo: to })

export function dropTable(ctx: ChangeContext, ref: string, cascade: boolean): Change<object> {
  return {
    action: 'drop_table',
    target: ref,
    plan: async (client) => plan.dropTableSql(await resolveTable(client, ctx.exposedSchemas, ref), cascade),
    result: async () => ({}),
  }
}

export const addColumn = (ctx: ChangeContext, ref: string, spec: ColumnSpec): Change<TableDetail> =>
  tableChange(ctx, ref, 'add_column', async (client, t) => plan.addColumnSql(t, await planColumn(client, spec)), { column: spec.name })

async function uniqueConstraintsOf(client: Client, t: TableRef, column: string): Promise<string[]> {
  const rows = await run<{ name: string }>(
    client,
    `select k.conname as name from pg_constraint k
      where k.conrelid = $1 and k.contype = 'u'
        and k.conkey = array[(select a.attnum from pg_attribute a where a.attrelid = $1 and a.attname = $2)]`,
    [t.oid, column],
  )
  return rows.map((r) => r.name)
}

async function planAlterColumn(client: Client, t: TableRef, column: string, body: AlterColumnBody): Promise<plan.AlterColumnPlan> {
  const current = await findColumn(client, t, column)
  const type = body.type !== undefined ? await resolveType(client, body.type) : undefined
  const uniques = body.unique !== undefined ? await uniqueConstraintsOf(client, t, column) : []
  return {
    type,
    using: type !== undefined && body.using !== undefined ? await checkUsing(client, t, type, body.using) : undefined,
    default: body.default === null ? null : body.default !== undefined ? await parseDefault(client, type ?? current.type, body.default) : undefined,
    nullable: body.nullable,
    addUnique: body.unique === true && uniques.length === 0,
    dropUnique: body.unique === false ? uniques : [],
    rename: body.name !== undefined && body.name !== column ? body.name : undefined,
  }
}

export function alterColumn(ctx: ChangeContext, ref: string, column: string, body: AlterColumnBody): Change<TableDetail> {
  return tableChange(ctx, ref, 'alter_column', async (client, t) => plan.alterColumnSql(t, column, await planAlterColumn(client, t, column, body)), { column })
}

export function dropColumn(ctx: ChangeContext, ref: string, column: string, cascade: boolean): Change<TableDetail> {
  return tableChange(ctx, ref, 'drop_column', async (client, t) => plan.dropColumnSql(t, (await findColumn(client, t, column)).name, cascade), { column })
}
