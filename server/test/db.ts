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
        // pg's Pool.end() resolves once it has asked its clients to end, not once their
        // connections are gone; a forced drop in that window terminates them (57P01) and an idle
        // pool client re-emits that on its pool, an uncaught error where the pool has no
        // listener. So give connections a moment to leave on their own first.
        for (let i = 0; i < 40; i++) {
          const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
          if (rows[0]!.n === 0) break
          await new Promise((r) => setTimeout(r, 25))
        }
        await c.query(`drop database if exists ${name} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}
