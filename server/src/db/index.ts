/**
 * Database: the one pg Pool and Kysely instance, the per-request transaction that sets the
 * caller's role and claims (`withRequestRole`), the migration runner and the embedded PostgreSQL
 * of the zero-config start. It knows nothing of HTTP or of how identities are verified.
 */
export { createDatabase, type Database } from './create-database.js'
export {
  createWithRequestRole,
  createWithServiceRole,
  createRunStatement,
  createRequestTransactions,
  type RunStatement,
  type RequestTxOptions,
  type WithRequestRole,
} from './with-request-role.js'
export { migrate, readMigrations, MigrationError, MIGRATIONS_DIR, type Migration } from './migrate.js'
export { startEmbeddedPostgres, findRunningEmbeddedPostgres, findFreePort, type EmbeddedDatabase } from './embedded.js'
export { quoteIdent } from './sql-ident.js'
export { quoteLiteral } from './sql-literal.js'
export { ensureExposedSchemas } from './exposed-schemas.js'
export type { DB, RequestRole } from './types.js'
