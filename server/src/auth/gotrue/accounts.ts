/**
 * Creating and changing accounts for the GoTrue door, through better-auth's internal adapter and
 * password hasher, so a user made here signs in at better-auth's routes and the other way round.
 */
import { sql } from 'kysely'
import type { Database } from '../../db/index.js'
import { ApiError, isUniqueViolation } from '../../errors/index.js'
import type { BetterAuth } from '../better-auth.js'
import { ANONYMOUS_EMAIL_DOMAIN } from './user-json.js'

/** An id as Postgres's uuid type reads it: checked before a cast, so a bad one is not a SQL error. */

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function assertEmail(email: string): string {
  const e = email.trim().toLowerCase()
  if (e.length > 254 || !EMAIL.test(e) || e.endsWith('@' + ANONYMOUS_EMAIL_DOMAIN)) throw new ApiError('email_address_invalid', { message: `Email address "${email.slice(0, 254)}" is invalid` })
  return e
}

/** For a write that sets an address: another user taking it first is GoTrue's email_exists. */
export function rethrowEmailTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new ApiError('email_exists')
  throw err
}

/** The stored size limit of user_metadata and app_metadata (migration 0013 checks it too). */
export const METADATA_MAX_BYTES = 16 * 1024

export function assertMetadataSize(value: Record<string, unknown>, field: 'user_metadata' | 'app_metadata'): void {
  const size = Buffer.byteLength(JSON.stringify(value))
  if (size > METADATA_MAX_BYTES) {
    throw new ApiError('validation_failed', { message: `${field} is ${size} bytes; at most ${METADATA_MAX_BYTES} are kept`, hint: 'Keep large data in your own tables' })
  }
}

/** Metadata merge as GoTrue's: top-level keys replace, a null value removes its key. */
export function mergeMetadata(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = v
  }
  return out
}

export function createAccounts(betterAuth: BetterAuth, database: Database) {
  const context = () => betterAuth.$context
  const db = database.db

  async function assertPassword(password: string): Promise<void> {
    const { password: p } = await context()
    if (password.length < p.config.minPasswordLength) {
      throw new ApiError('weak_password', { message: `Password should be at least ${p.config.minPasswordLength} characters.` })
    }
    if (password.length > p.config.maxPasswordLength) {
      throw new ApiError('validation_failed', { message: `Password should be at most ${p.config.maxPasswordLength} characters.` })
    }
  }

  return {
    assertPassword,

    /**
     * A new user, with a password account when a password is given. The user and account are
     * written in one transaction, so a failure leaves neither. Undefined when the email is taken.
     */
    async create(input: { email: string; password?: string | undefined; confirmed: boolean; userMetadata?: Record<string, unknown>; appMetadata?: Record<string, unknown>; anonymous?: boolean }): Promise<string | undefined> {
      const ctx = await context()
      assertMetadataSize(input.userMetadata ?? {}, 'user_metadata')
      assertMetadataSize(input.appMetadata ?? {}, 'app_metadata')
      const hash = input.password === undefined ? undefined : await ctx.password.hash(input.password)
      const name = typeof input.userMetadata?.name === 'string' ? input.userMetadata.name.slice(0, 200) : ''
      try {
        return await database.withOwner('auth: sign-up (user and password account together)', async ({ trx }) => {
          const r = await sql<{ id: string }>`
            insert into auth.users (name, email, email_verified, is_anonymous, user_metadata, app_metadata, created_at, updated_at)
            values (${name}, ${input.email}, ${input.confirmed}, ${input.anonymous === true}, ${JSON.stringify(input.userMetadata ?? {})}::jsonb,
                    ${JSON.stringify(input.appMetadata ?? {})}::jsonb, now(), now())
            returning id`.execute(trx)
          const id = r.rows[0]!.id
          if (hash !== undefined) {
            await sql`insert into auth.accounts (account_id, provider_id, user_id, password, created_at, updated_at)
                      values (${id}, 'credential', ${id}::uuid, ${hash}, now(), now())`.execute(trx)
          }
          return id
        })
      } catch (err) {
        if (isUniqueViolation(err)) return undefined
        throw err
      }
    },

    /** An anonymous user: a unique placeholder address that is never mailed and never shown. */
    async createAnonymous(userMetadata: Record<string, unknown>): Promise<string> {
      const id = crypto.randomUUID()
      const created = await this.create({ email: `${id}@${ANONYMOUS_EMAIL_DOMAIN}`, confirmed: false, userMetadata, anonymous: true })
      if (!created) throw new ApiError('unexpected_failure')
      return created
    },

    /** The password check of a sign-in: undefined unless the user has that password. */
    async checkPassword(userId: string, password: string): Promise<boolean> {
      const ctx = await context()
      const r = await sql<{ password: string | null }>`select password from auth.accounts
                                                       where user_id = ${userId}::uuid and provider_id = 'credential'`.execute(db)
      const hash = r.rows[0]?.password
      if (!hash) {
        // The same work as a real check, so a missing account takes as long as a wrong password.
        await ctx.password.hash(password)
        return false
      }
      return ctx.password.verify({ hash, password })
    },

    /** Sets the password (creating the password account of a user who had none). */
    async setPassword(userId: string, password: string): Promise<void> {
      const ctx = await context()
      const hash = await ctx.password.hash(password)
      await sql`with updated as (update auth.accounts set password = ${hash}, updated_at = now()
                                  where user_id = ${userId}::uuid and provider_id = 'credential' returning id)
                insert into auth.accounts (account_id, provider_id, user_id, password, created_at, updated_at)
                select ${userId}, 'credential', ${userId}::uuid, ${hash}, now(), now() where not exists (select 1 from updated)`.execute(db)
    },

    /** Makes `email` the user's confirmed address (a permanent user from then on); false if no such user. */
    async confirmEmail(userId: string, email: string): Promise<boolean> {
      const r = await sql`update auth.users set email = ${email}, email_verified = true, new_email = null, is_anonymous = false,
                            updated_at = now() where id = ${userId}::uuid`.execute(db).catch(rethrowEmailTaken)
      return r.numAffectedRows !== 0n
    },
  }
}

export type Accounts = ReturnType<typeof createAccounts>
