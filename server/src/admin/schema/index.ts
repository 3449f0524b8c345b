/**
 * The schema editor's API (in the manner of supabase/postgres-meta): tables, columns, keys,
 * indexes, enums, views and functions of the exposed schemas. Every change has a dry run that
 * answers the SQL it would run; the real run executes that SQL in one transaction, records it in
 * the audit log and answers the same SQL. The platform's schemas (auth, storage, floe, realtime)
 * are never changed here. Raw SQL is the SQL runner's (admin/sql), not this module's.
 */
import type { Router } from '../../http/index.js'
import { registerAddColumn } from './routes/add-column.js'
import { registerAddEnumValue } from './routes/add-enum-value.js'
import { registerAddForeignKey } from './routes/add-foreign-key.js'
import { registerAlterColumn } from './routes/alter-column.js'
import { registerCreateEnum } from './routes/create-enum.js'
import { registerCreateIndex } from './routes/create-index.js'
import { registerCreateTable } from './routes/create-table.js'
import { registerDropColumn } from './routes/drop-column.js'
import { registerDropEnum } from './routes/drop-enum.js'
import { registerDropForeignKey } from './routes/drop-foreign-key.js'
import { registerDropIndex } from './routes/drop-index.js'
import { registerDropPrimaryKey } from './routes/drop-primary-key.js'
import { registerDropTable } from './routes/drop-table.js'
import { registerGetTable } from './routes/get-table.js'
import { registerListEnums } from './routes/list-enums.js'
import { registerListFunctions } from './routes/list-functions.js'
import { registerListIndexes } from './routes/list-indexes.js'
import { registerListTables } from './routes/list-tables.js'
import { registerListViews } from './routes/list-views.js'
import { registerRenameTable } from './routes/rename-table.js'
import { registerSetPrimaryKey } from './routes/set-primary-key.js'
import { createSchemaService, type SchemaDeps } from './service.js'

export function registerSchemaRoutes(router: Router, deps: SchemaDeps): void {
  const schema = createSchemaService(deps)
  registerListTables(router, schema)
  registerGetTable(router, schema)
  registerListIndexes(router, schema)
  registerListEnums(router, schema)
  registerListViews(router, schema)
  registerListFunctions(router, schema)
  registerCreateTable(router, schema)
  registerRenameTable(router, schema)
  registerDropTable(router, schema)
  registerAddColumn(router, schema)
  registerAlterColumn(router, schema)
  registerDropColumn(router, schema)
  registerSetPrimaryKey(router, schema)
  registerDropPrimaryKey(router, schema)
  registerAddForeignKey(router, schema)
  registerDropForeignKey(router, schema)
  registerCreateIndex(router, schema)
  registerDropIndex(router, schema)
  registerCreateEnum(router, schema)
  registerAddEnumValue(router, schema)
  registerDropEnum(router, schema)
}
