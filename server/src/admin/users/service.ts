/**
 * Users for admins. Every change is one transaction on the server's own role that also writes its
 * audit entry; creating a user goes through better-auth's admin plugin (`auth.api.createUser`,
 * which hashes the password and links the credential account as sign-up does, and may be called
 * server-side without a session), then audits in a small transaction of its own.
 *
 * Refused: an admin banning or deleting their own account (they would lock themselves out
 * mid-request), and any ban, removal or demotion that leaves no admin who is not banned (counted
 * under one advisory lock, so two such changes cannot both pass).
 */
import type { Identity } from '../../http/index.js'
import { ApiError } from '../../errors/index.js'
import { recordAudit } from '../audit.js'
import type { Client } from '../queries.js'
import type { AuthService } from '../../auth/index.js'
import type { WithOwner } from '../../db/index.js'
import * as q from './queries.js'
import type { AdminSession, AdminUser, BanUserBody, CreateUserBody, ListUsersQuery, OutboxEmail, UpdateUserBody } from './schemas.js'

/** What the users API needs of the admin router's deps (declared here: importing router.ts would be a cycle). */
export interface UsersDeps {
  /** Transactions as the server's own role (the owner of better-auth's tables). */
  withOwner: WithOwner
  /** Accounts (better-auth); absent in apps built without auth. */
  auth?: AuthService | undefined
  statementTimeoutMs: number
}

export interface UsersService {
  list(query: ListUsersQuery): Promise<{ users: AdminUser[]; total: number }>
  get(id: string): Promise<AdminUser>
  create(by: Identity, input: CreateUserBody): Promise<AdminUser>
  update(by: Identity, id: string, patch: UpdateUserBody): Promise<AdminUser>
  ban(by: Identity, id: string, input: BanUserBody): Promise<AdminUser>
  unban(by: Identity, id: string): Promise<AdminUser>
  remove(by: Identity, id: string): Promise<void>
  listSessions(id: string): Promise<AdminSession[]>
  revokeSessions(by: Identity, id: string): Promise<{ revoked: number }>
  revokeSession(by: Identity, id: string, sessionId: string): Promise<void>
  listOutbox(page: { limit: number; offset: number }): Promise<{ emails: OutboxEmail[]; total: number }>
}

/** The admin user behind the request, if it is one (the service key is nobody's account). */
const selfOf = (by: Identity): string | undefined => (by.via === 'jwt' && typeof by.claims.sub === 'string' ? by.claims.sub : undefined)

const isAdminRole = (role: string) => role.split(',').some((r) => r.trim() === 'admin')

/** better-auth's APIError, recognised by shape (its class is better-auth's, not this module's). */
function betterAuthCode(err: unknown): string | undefined {
  const body = typeof err === 'object' && err !== null && 'body' in err ? (err as { body: unknown }).body : undefined
  const code = typeof body === 'object' && body !== null && 'code' in body ? (body as { code: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/** A refusal from `auth.api.createUser` as the ApiError to answer (anything else rethrown as is). */
export function createUserError(err: unknown): unknown {
  const code = betterAuthCode(err)
  if (code === 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL') return new ApiError('USERS_EMAIL_TAKEN')
  if (code) return new ApiError('INVALID_INPUT', { details: code, cause: err })
  return err
}

export function createUsersService(deps: UsersDeps): UsersService {
  const txOptions = { statementTimeoutMs: deps.statementTimeoutMs, lockTimeoutMs: 5000 }
  const tx = <T>(reason: string, fn: (client: Client) => Promise<T>) => deps.withOwner(`admin users: ${reason}`, ({ client }) => fn(client), txOptions)
  const read = <T>(reason: string, fn: (client: Client) => Promise<T>) =>
    deps.withOwner(`admin users: ${reason}`, ({ client }) => fn(client), { ...txOptions, readOnly: true })

  async function mustFind(client: Client, id: string): Promise<AdminUser> {
    const user = await q.findUser(client, id)
    if (!user) throw new ApiError('USERS_USER_NOT_FOUND')
    return user
  }

  /** Under the admins lock: refuses when `target` is an active admin and no other active admin remains. */
  async function assertOtherAdminRemains(client: Client, target: AdminUser): Promise<void> {
    const count = await q.countActiveAdmins(client, target.id)
    if (isAdminRole(target.role) && !target.banned && count === 0) {
      throw new ApiError('USERS_LAST_ADMIN', { hint: 'Make another user admin first' })
    }
  }

  function assertNotSelf(by: Identity, id: string): void {
    if (selfOf(by) === id) throw new ApiError('USERS_CANNOT_TARGET_SELF', { hint: 'Another admin (or the service key) can do it' })
  }

  return {
    list: (query) => read('list', (client) => q.listUsers(client, query)),
    get: (id) => read('get', (client) => mustFind(client, id)),

    async create(by, input) {
      const auth = deps.auth
      if (!auth) throw new ApiError('SERVICE_UNAVAILABLE', { details: 'Accounts are not served by this app' })
      if (await read('find by email', (client) => q.findUserIdByEmail(client, input.email))) throw new ApiError('USERS_EMAIL_TAKEN')
      let id: string
      try {
        const created = await auth.betterAuth.api.createUser({
          body: {
            email: input.email,
            password: input.password,
            name: input.name ?? input.email.split('@')[0] ?? '',
            role: input.role,
            data: { emailVerified: input.email_verified },
          },
        })
        id = created.user.id
      } catch (err) {
        throw createUserError(err)
      }
      return tx('audit create', async (client) => {
        await recordAudit(client, by, { action: 'users.create', target: id, details: { email: input.email, role: input.role, email_verified: input.email_verified } })
        return mustFind(client, id)
      })
    },

    update: (by, id, patch) =>
      tx('update', async (client) => {
        const user = await mustFind(client, id)
        if (patch.role === 'user') await assertOtherAdminRemains(client, user)
        await q.updateUser(client, id, patch)
        await recordAudit(client, by, { action: 'users.update', target: id, details: { ...patch } })
        return mustFind(client, id)
      }),

    ban: (by, id, input) =>
      tx('ban', async (client) => {
        assertNotSelf(by, id)
        const user = await mustFind(client, id)
        await assertOtherAdminRemains(client, user)
        const expires = input.expires_in_s ? new Date(Date.now() + input.expires_in_s * 1000) : null
        // better-auth's default reason, so a ban reads the same whichever door made it.
        await q.banUser(client, id, input.reason ?? 'No reason', expires)
        await recordAudit(client, by, { action: 'users.ban', target: id, details: { reason: input.reason ?? null, expires_at: expires?.toISOString() ?? null } })
        return mustFind(client, id)
      }),

    unban: (by, id) =>
      tx('unban', async (client) => {
        await mustFind(client, id)
        await q.unbanUser(client, id)
        await recordAudit(client, by, { action: 'users.unban', target: id })
        return mustFind(client, id)
      }),

    remove: (by, id) =>
      tx('delete', async (client) => {
        assertNotSelf(by, id)
        const user = await mustFind(client, id)
        await assertOtherAdminRemains(client, user)
        await q.deleteUser(client, id)
        await recordAudit(client, by, { action: 'users.delete', target: id, details: { email: user.email } })
      }),

    listSessions: (id) =>
      read('list sessions', async (client) => {
        await mustFind(client, id)
        return q.listSessions(client, id)
      }),

    revokeSessions: (by, id) =>
      tx('revoke sessions', async (client) => {
        await mustFind(client, id)
        const revoked = await q.deleteSessions(client, id)
        await recordAudit(client, by, { action: 'users.revoke_sessions', target: id, details: { revoked } })
        return { revoked }
      }),

    revokeSession: (by, id, sessionId) =>
      tx('revoke session', async (client) => {
        await mustFind(client, id)
        if (!(await q.deleteSession(client, id, sessionId))) throw new ApiError('USERS_SESSION_NOT_FOUND')
        await recordAudit(client, by, { action: 'users.revoke_session', target: id, details: { session_id: sessionId } })
      }),

    // With SMTP the mail left; only the development outbox keeps it.
    listOutbox: async (page) => {
      if (deps.auth?.mailer.name !== 'outbox') return { emails: [], total: 0 }
      return read('list outbox', (client) => q.listOutbox(client, page))
    },
  }
}
