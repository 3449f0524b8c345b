import type { Kysely } from 'kysely'
import type { DB } from '../db/index.js'
import { randomToken } from './crypto.js'

/**
 * better-auth's own secret (cookie signatures, encrypted TOTP secrets, email-link tokens). Kept
 * apart from the JWT secret on purpose: rotating the access-token key must not make every TOTP
 * secret undecryptable. Given by AUTH_SECRET, else generated once and kept in the database;
 * concurrent first boots agree through the primary key.
 */
export async function ensureAuthSecret(db: Kysely<DB>, given: string | undefined): Promise<string> {
  if (given) return given
  await db
    .insertInto('floe.instance_secrets')
    .values({ name: 'auth_secret', value: randomToken(48) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  const row = await db.selectFrom('floe.instance_secrets').select('value').where('name', '=', 'auth_secret').executeTakeFirstOrThrow()
  return row.value
}
