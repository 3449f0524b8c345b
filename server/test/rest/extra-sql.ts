/**
 * For a test file that needs tables or functions of its own beside fixture.sql: runs `sql` as the
 * owner on the harness's database and reloads the schema cache, so the data API sees them.
 */
import pg from 'pg'
import type { RestHarness } from './setup.js'

export async function loadExtraSql(h: RestHarness, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: h.db.url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
  await h.testApp.schemaCache.reload()
}
