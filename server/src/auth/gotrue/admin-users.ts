/**
 * GoTrue's admin API on users (what auth-js `auth.admin.*` calls with the service key): create
 * (confirmed or not, with metadata), list by page, get, update (email, password, metadata,
 * confirmation, ban) and delete. Only the service role may call it: the service key, or a JWT
 * whose role is service_role. The emailed-link side (generate_link, invite) is admin-links.ts.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Database } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import { UUID } from '../../uuid.js'
import { assertEmail, assertMetadataSize, mergeMetadata, rethrowEmailTaken } from './accounts.js'
import { parseBanDuration } from './ban-duration.js'
import type { GoTrue } from './gotrue-service.js'
import { ANONYMOUS_EMAIL_DOMAIN, findUser, findUserRow, findUsers, toGoTrueUser, type GoTrueUser } from './user-json.js'


export interface AdminUserInput {
  email?: string | undefined
  phone?: string | undefined
  password?: string | undefined
  email_confirm?: boolean | undefined
  user_metadata?: Record<string, unknown> | undefined
  app_metadata?: Record<string, unknown> | undefined
  ban_duration?: string | undefined
  passwordHash?: string | undefined
  role?: string | undefined
}

/** What GoTrue accepts that Floe cannot honour: refused rather than silently dropped. */
function assertSupported(input: AdminUserInput): void {
  if (input.passwordHash) throw new ApiError('validation_failed', { message: 'password_hash is not supported: Floe cannot import password hashes', hint: 'Send password, or none and let the user recover it' })
  if (input.role && input.role !== 'authenticated') throw new ApiError('validation_failed', { message: `role "${input.role.slice(0, 64)}" is not supported: user tokens carry role authenticated` })
}

export interface UserPage {
  users: GoTrueUser[]
  aud: 'authenticated'
  total: number
}

/** GoTrue's requireAdmin: a service-role caller, else 401 without a token and 403 with another. */
export function assertAdmin(identity: Identity | undefined): void {
  if (!identity) throw new ApiError('no_authorization')
  if (identity.role !== 'service_role') throw new ApiError('not_admin')
}

/** GoTrue's loadUser: a malformed id is a 404 (validation_failed), an unknown one user_not_found. */
export function assertUserId(id: string): void {
  if (!UUID.test(id)) throw new ApiError({ passThrough: 'validation_failed', status: 404 }, { message: 'user_id must be an UUID' })
}

function banUntil(text: string | undefined): { banned: boolean; until: Date | null } | undefined {
  if (text === undefined || text === '') return undefined
  const ms = parseBanDuration(text)
  if (ms === undefined) throw new ApiError('validation_failed', { message: `invalid format for ban duration: ${text.slice(0, 64)}`, hint: "Use 'none' or a duration such as '24h' or '1h30m'" })
  return ms <= 0 ? { banned: false, until: null } : { banned: true, until: new Date(Date.now() + ms) }
}

export function createAdminUsers(g: GoTrue, database: Database) {
  const db = g.db

  async function getUser(id: string): Promise<GoTrueUser> {
    assertUserId(id)
    return toGoTrueUser(await g.sessions.loadUser(id))
  }

  async function setBan(userId: string, ban: { banned: boolean; until: Date | null }): Promise<void> {
    await sql`update auth.users set banned = ${ban.banned}, ban_expires = ${ban.until}, updated_at = now() where id = ${userId}::uuid`.execute(db)
  }

  return {
    getUser,

    /** POST /admin/users. Without a password the account gets a random one, as GoTrue's does. */
    async createUser(input: AdminUserInput): Promise<GoTrueUser> {
      assertSupported(input)
      if (input.email === undefined || input.email === '') {
        if (input.phone) throw new ApiError('validation_failed', { message: 'Floe has no phone sign-in: a user needs an email address' })
        throw new ApiError('validation_failed', { message: 'Cannot create a user without either an email or phone' })
      }
      const email = assertEmail(input.email)
      const ban = banUntil(input.ban_duration)
      if (input.password) await g.accounts.assertPassword(input.password)
      if (await findUserRow(db, { email })) throw new ApiError('email_exists')
      const userId = await g.accounts.create({
        email,
        password: input.password || randomBytes(48).toString('base64url'),
        confirmed: input.email_confirm === true,
        userMetadata: input.user_metadata ?? {},
        appMetadata: input.app_metadata ?? {},
      })
      if (userId === undefined) throw new ApiError('email_exists')
      if (ban) await setBan(userId, ban)
      return getUser(userId)
    },

    /** GET /admin/users?page&per_page: newest first, as GoTrue lists them. */
    async listUsers(page: number, perPage: number, filter: string | undefined): Promise<UserPage> {
      const pattern = filter ? `%${filter.replace(/[\\%_]/g, (ch) => '\\' + ch)}%` : undefined
      const where = pattern ? sql`where email ilike ${pattern} or name ilike ${pattern}` : sql``
      const r = await sql<{ id: string; total: string }>`
        select id, count(*) over () as total from auth.users ${where}
        order by created_at desc, id desc limit ${perPage} offset ${(page - 1) * perPage}`.execute(db)
      let total = Number(r.rows[0]?.total ?? 0)
      if (r.rows.length === 0 && page > 1) {
        const c = await sql<{ n: string }>`select count(*) as n from auth.users ${where}`.execute(db)
        total = Number(c.rows[0]?.n ?? 0)
      }
      const users: GoTrueUser[] = (await findUsers(db, r.rows.map((row) => row.id))).map(toGoTrueUser)
      return { users, aud: 'authenticated', total }
    },

    /** PUT /admin/users/:id: every field checked before any is written. */
    async updateUser(id: string, input: AdminUserInput): Promise<GoTrueUser> {
      assertUserId(id)
      assertSupported(input)
      const user = await g.sessions.loadUser(id)
      const ban = banUntil(input.ban_duration)
      const email = input.email ? assertEmail(input.email) : undefined
      if (email !== undefined && email !== user.row.email.toLowerCase()) {
        const taken = await findUserRow(db, { email })
        if (taken && taken.id !== id) throw new ApiError('email_exists')
      }
      if (input.password !== undefined) await g.accounts.assertPassword(input.password)
      const userMetadata = input.user_metadata && mergeMetadata(user.row.user_metadata, input.user_metadata)
      const appMetadata = input.app_metadata && mergeMetadata(user.row.app_metadata, input.app_metadata)
      if (userMetadata) assertMetadataSize(userMetadata, 'user_metadata')
      if (appMetadata) assertMetadataSize(appMetadata, 'app_metadata')

      if (input.password !== undefined) await g.accounts.setPassword(id, input.password)
      const confirm = input.email_confirm === true
      await sql`update auth.users set
          email = coalesce(${email ?? null}, email),
          email_verified = email_verified or ${confirm},
          is_anonymous = case when ${email !== undefined && confirm} then false else is_anonymous end,
          user_metadata = coalesce(${userMetadata ? JSON.stringify(userMetadata) : null}::jsonb, user_metadata),
          app_metadata = coalesce(${appMetadata ? JSON.stringify(appMetadata) : null}::jsonb, app_metadata),
          updated_at = now()
        where id = ${id}::uuid`.execute(db).catch(rethrowEmailTaken)
      if (ban) await setBan(id, ban)
      return getUser(id)
    },

    /**
     * DELETE /admin/users/:id. A soft delete keeps the row (for rows elsewhere that reference it)
     * but nothing to sign in with: no sessions, identities or factors, the address freed, banned.
     */
    async deleteUser(id: string, soft: boolean): Promise<void> {
      assertUserId(id)
      await g.sessions.loadUser(id)
      if (!soft) {
        await sql`delete from auth.users where id = ${id}::uuid`.execute(db)
        return
      }
      await database.withOwner('auth: soft delete of a user (admin API)', async ({ trx }) => {
        await sql`delete from auth.sessions where user_id = ${id}::uuid`.execute(trx)
        await sql`delete from auth.accounts where user_id = ${id}::uuid`.execute(trx)
        await sql`delete from auth.mfa_factors where user_id = ${id}::uuid`.execute(trx)
        await sql`update auth.users set email = ${`${id}@${ANONYMOUS_EMAIL_DOMAIN}`}, email_verified = false, new_email = null,
                    user_metadata = '{}'::jsonb, banned = true, ban_expires = null, updated_at = now()
                  where id = ${id}::uuid`.execute(trx)
      })
    },
  }
}

export type AdminUsers = ReturnType<typeof createAdminUsers>
