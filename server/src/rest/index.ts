/**
 * The data API (`/rest/v1`): PostgREST's URL grammar over the exposed schemas, one SQL statement
 * per request run as the caller's role so Postgres RLS decides. It owns the schema cache, the
 * pure parse → plan → build pipeline and the HTTP layer around it; it does not authenticate
 * (it is handed an Identity) and does not open connections (it is handed withRequestRole).
 */
export { createRestHandler, restRouter, type RestDeps, type RestHandler, type RestInput } from './router.js'
export {
  createSchemaCacheHolder,
  loadSchemaCache,
  resolveViewOrigins,
  type ColumnOrigin,
  type SchemaCache,
  type SchemaCacheHolder,
} from './schema-cache/index.js'
export type { Limits } from './compile.js'
