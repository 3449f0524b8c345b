/**
 * The data API's schema cache: what the exposed schemas contain (relations, columns, keys,
 * relationships, functions), loaded by introspection in one catalog query and reloaded live when
 * DDL runs (migration 0003's event trigger) or on `NOTIFY floe, 'reload schema'`.
 * It does not decide who may see what: privileges and RLS are left to Postgres at request time.
 */
export { loadSchemaCache } from './load.js'
export { resolveViewOrigins, type ColumnOrigin } from './view-columns.js'
export {
  createSchemaCacheHolder,
  type SchemaCacheHolder,
  type SchemaCacheHolderOptions,
  type SchemaCacheStats,
} from './reload.js'
export type {
  Column,
  ComputedField,
  DbFunction,
  FunctionArg,
  QualifiedName,
  Relationship,
  SchemaCache,
  Table,
} from './types.js'
