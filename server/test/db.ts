import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'

export interface TestDatabase {
  name: string
  url: string
  /** A connection string for the cluster's maintenance database. */
  adminUrl: string
  drop(): Promise<void>
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = '/' + name
  return u.toString()
}

/**
 * A database of this test file's own, cloned from floe_template (migrations already applied).
 * `{ migrated: false }` gives an empty database instead, for tests of the migration runner.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl')
  const name = `floe_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(options.migrated === false ? `create database ${name}` : `create database ${name} template ${inject('templateDatabase')}`)
  } finally {
    await admin.end()
  }
  return {
    name,
    url: withDatabase(adminUrl, name),
    adminUrl,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      try {
        await c.query(`drop database if exists ${name} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}
