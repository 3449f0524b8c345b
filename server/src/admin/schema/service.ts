/**
 * The schema editor's service: reads of the exposed schemas, and changes that each run as one
 * transaction on the tables' owner through the runner (dry run, audit, rollback on failure).
 */
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import type { WithOwner } from '../../db/index.js'
import * as catalog from './catalog.js'
import * as keys from './key-changes.js'
import type { Enum, Func, Index, TableDetail, TableSummary, View } from './models.js'
import { resolveTable } from './resolve.js'
import { createChangeRunner, createReader, type ChangeAnswer } from './runner.js'
import type { AlterColumnBody, ColumnSpec, CreateIndexBody, CreateTableBody, ForeignKeySpec } from './shapes.js'
import * as tables from './table-changes.js'

type Answer<T extends object> = Promise<ChangeAnswer<T>>

export interface SchemaService {
  listTables(schema?: string): Promise<TableSummary[]>
  getTable(ref: string): Promise<TableDetail>
  listIndexes(schema?: string): Promise<Index[]>
  listEnums(schema?: string): Promise<Enum[]>
  listViews(schema?: string): Promise<View[]>
  listFunctions(schema?: string): Promise<Func[]>
  createTable(by: Identity, dryRun: boolean, body: CreateTableBody): Answer<TableDetail>
  renameTable(by: Identity, dryRun: boolean, ref: string, to: string): Answer<TableDetail>
  dropTable(by: Identity, dryRun: boolean, ref: string, cascade: boolean): Answer<object>
  addColumn(by: Identity, dryRun: boolean, ref: string, spec: ColumnSpec): Answer<TableDetail>
  alterColumn(by: Identity, dryRun: boolean, ref: string, column: string, body: AlterColumnBody): Answer<TableDetail>
  dropColumn(by: Identity, dryRun: boolean, ref: string, column: string, cascade: boolean): Answer<TableDetail>
  setPrimaryKey(by: Identity, dryRun: boolean, ref: string, columns: string[]): Answer<TableDetail>
  dropPrimaryKey(by: Identity, dryRun: boolean, ref: string, cascade: boolean): Answer<TableDetail>
  addForeignKey(by: Identity, dryRun: boolean, ref: string, fk: ForeignKeySpec): Answer<TableDetail>
  dropForeignKey(by: Identity, dryRun: boolean, ref: string, name: string): Answer<TableDetail>
  createIndex(by: Identity, dryRun: boolean, ref: string, body: CreateIndexBody): Answer<Index>
  dropIndex(by: Identity, dryRun: boolean, ref: string): Answer<object>
  createEnum(by: Identity, dryRun: boolean, body: { schema: string; name: string; values: string[] }): Answer<Enum>
  addEnumValue(by: Identity, dryRun: boolean, ref: string, body: { value: string; before?: string | undefined; after?: string | undefined }): Answer<Enum>
  dropEnum(by: Identity, dryRun: boolean, ref: string, cascade: boolean): Answer<object>
}

/**
 * What the editor needs of the admin router's deps (a structural subset of AdminRouterDeps,
 * declared here so this folder does not import the router that imports it).
 */
export interface SchemaDeps {
  /** Transactions as the tables' owner. */
  withOwner: WithOwner
  /** The schemas the data API serves: the only ones listed, and (less the platform's) changed. */
  exposedSchemas: readonly string[]
  statementTimeoutMs: number
}

/** The identity requireAdmin let through (always set behind it; the type cannot say so). */
export function adminIdentity(identity: Identity | undefined): Identity {
  if (!identity) throw new ApiError('UNAUTHENTICATED')
  return identity
}

export function createSchemaService(deps: SchemaDeps): SchemaService {
  const ctx = { exposedSchemas: deps.exposedSchemas }
  const change = createChangeRunner(deps)
  const read = createReader(deps)

  /** The schemas a read covers: one exposed schema, or all of them. */
  function scope(schema: string | undefined): readonly string[] {
    if (schema === undefined) return deps.exposedSchemas
    if (!deps.exposedSchemas.includes(schema)) {
      throw new ApiError('SCHEMA_NOT_ALLOWED', { message: `Schema ${JSON.stringify(schema)} is not exposed`, hint: `Use one of: ${deps.exposedSchemas.join(', ')}` })
    }
    return [schema]
  }

  return {
    listTables: (schema) => read('list tables', (client) => catalog.listTables(client, scope(schema))),
    getTable: (ref) =>
      read('get table', async (client) => {
        const t = await resolveTable(client, deps.exposedSchemas, ref)
        return tables.tableAfter(client, t.schema, t.name)
      }),
    listIndexes: (schema) => read('list indexes', (client) => catalog.listIndexes(client, scope(schema))),
    listEnums: (schema) => read('list enums', (client) => catalog.listEnums(client, scope(schema))),
    listViews: (schema) => read('list views', (client) => catalog.listViews(client, scope(schema))),
    listFunctions: (schema) => read('list functions', (client) => catalog.listFunctions(client, scope(schema))),
    createTable: (by, dry, body) => change(by, dry, tables.createTable(ctx, body)),
    renameTable: (by, dry, ref, to) => change(by, dry, tables.renameTable(ctx, ref, to)),
    dropTable: (by, dry, ref, cascade) => change(by, dry, tables.dropTable(ctx, ref, cascade)),
    addColumn: (by, dry, ref, spec) => change(by, dry, tables.addColumn(ctx, ref, spec)),
    alterColumn: (by, dry, ref, column, body) => change(by, dry, tables.alterColumn(ctx, ref, column, body)),
    dropColumn: (by, dry, ref, column, cascade) => change(by, dry, tables.dropColumn(ctx, ref, column, cascade)),
    setPrimaryKey: (by, dry, ref, columns) => change(by, dry, keys.setPrimaryKey(ctx, ref, columns)),
    dropPrimaryKey: (by, dry, ref, cascade) => change(by, dry, keys.dropPrimaryKey(ctx, ref, cascade)),
    addForeignKey: (by, dry, ref, fk) => change(by, dry, keys.addForeignKey(ctx, ref, fk)),
    dropForeignKey: (by, dry, ref, name) => change(by, dry, keys.dropForeignKey(ctx, ref, name)),
    createIndex: (by, dry, ref, body) => change(by, dry, keys.createIndex(ctx, ref, body)),
    dropIndex: (by, dry, ref) => change(by, dry, keys.dropIndex(ctx, ref)),
    createEnum: (by, dry, body) => change(by, dry, keys.createEnum(ctx, body)),
    addEnumValue: (by, dry, ref, body) => change(by, dry, keys.addEnumValue(ctx, ref, body)),
    dropEnum: (by, dry, ref, cascade) => change(by, dry, keys.dropEnum(ctx, ref, cascade)),
  }
}
