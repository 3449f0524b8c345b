/**
 * Realtime on/off per table, as admin data: the tables whose changes are captured for
 * postgres_changes (migration 0017's triggers, listed by realtime.enabled_tables, as Supabase
 * lists a publication's tables). Turning one on needs a primary key: deletes are told by it.
 */
import { MANAGED_PLATFORM_TABLES } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import { qualifiedName, run, type Client, type TableRow } from './queries.js'

export interface RealtimeTable {
  schema: string
  table: string
  realtime: boolean
}

/** The tables of the exposed schemas with realtime on, and storage.objects if it is. */
export async function listRealtimeTables(client: Client, schemas: string[]): Promise<RealtimeTable[]> {
  return run<RealtimeTable>(
    client,
    `select schema_name as schema, table_name as table, true as realtime
       from realtime.enabled_tables
      where schema_name = any ($1) or schema_name || '.' || table_name = any ($2) order by 1, 2`,
    [schemas, MANAGED_PLATFORM_TABLES],
  )
}

export async function setRealtime(client: Client, t: TableRow, enabled: boolean): Promise<RealtimeTable> {
  try {
    await run(client, `select realtime.${enabled ? 'enable' : 'disable'}_table($1::regclass)`, [qualifiedName(t)])
  } catch (err) {
    if ((err as { code?: unknown }).code === '55000') {
      throw new ApiError('INVALID_INPUT', { message: `${t.schema}.${t.table} has no primary key`, hint: 'Realtime tells deletes by their primary key: add one', cause: err })
    }
    throw err
  }
  return { schema: t.schema, table: t.table, realtime: enabled }
}
