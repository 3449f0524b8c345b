/**
 * Database: the one pg Pool and Kysely instance, the per-request transaction that sets the
 * caller's role and claims (`withRequestRole`), the one door to a transaction as the server's own
 * role (`withOwner`), the process's one LISTEN connection (`listener`), the migration runner and
 * the embedded PostgreSQL of the zero-config start. It knows nothing of HTTP or of how identities
 * are verified.
 */
export { createDatabase, type Database, type DatabaseOptions } from './create-database.js'
export {
  createWithOwner,
  createWithServiceRole,
  withTrialSavepoint,
  type OwnerTx,
  type OwnerTxOptions,
  type WithOwner,
  type WithServiceRole,
} from './with-owner.js'
export { createListener, LISTENER_APPLICATION_NAME, type Listener, type ListenerStats, type ListenHooks, type Unsubscribe } from './listener.js'
export {
  createWithRequestRole,
  createRunStatement,
  createRequestTransactions,
  type RunStatement,
  type RequestTxOptions,
  type WithRequestRole,
} from './with-request-role.js'
export {
  migrate,
  migrationStatus,
  readMigrations,
  MigrationError,
  MIGRATIONS_DIR,
  type AppMigrationState,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  type MigrationStatus,
} from './migrate.js'
export { createAppMigration, displayPath, MIGRATION_NAME } from './app-migrations.js'
export { splitSql, lineAt, offsetOfPosition, type SqlStatement } from './split-sql.js'
export {
  startEmbeddedPostgres,
  findRunningEmbeddedPostgres,
  embeddedPostgresUrl,
  findFreePort,
  type EmbeddedDatabase,
  type EmbeddedOptions,
} from './embedded.js'
export { claimSettings, uidSetting } from './claims.js'
export { quoteIdent } from './sql-ident.js'
export { quoteLiteral } from './sql-literal.js'
export { ensureExposedSchemas } from './exposed-schemas.js'
export { parseTableName, parseTableParts, TableNameText, PLATFORM_SCHEMAS, MANAGED_PLATFORM_TABLES, type TableName } from './table-name.js'
export { adoptExistingTables, type AdoptedObject } from './adopt-existing-tables.js'
export type { DB, RequestRole } from './types.js'
