/**
 * The first admin. While no account has the admin role, a one-time link
 * `${PUBLIC_URL}/dashboard/setup?token=<token>` is printed at boot; the token is
 * HMAC-SHA256(HKDF(JWT secret), nonce), the nonce kept in `floe.admin_setup` (migration 0021):
 * the same token on every replica and after restarts, never stored, and void once an admin exists
 * (the nonce row is claimed by the setup and deleted at boot when an admin exists). Or the
 * operator names the admin by env (FLOE_ADMIN_EMAIL / FLOE_ADMIN_PASSWORD), created at boot.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AuthService } from '../../auth/index.js'
import type { WithOwner } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import type { Logger } from '../../log.js'
import { recordAudit } from '../audit.js'
import { run, type Client } from '../queries.js'
import { createUserError, IS_ADMIN_SQL } from '../users/index.js'

export interface SetupInput {
  token?: string | undefined
  email: string
  password: string
  name?: string | undefined
}

export interface AdminSetupDeps {
  withOwner: WithOwner
  auth?: AuthService | undefined
  /** The instance's JWT signing secret: the token's key is derived from it. */
  secret: Uint8Array | string
  log: Logger
}

/** The session the setup answers, as sign-in's (so the dashboard is signed in at once). */
export type SetupSession = Awaited<ReturnType<AuthService['gotrue']['signInWithPassword']>>

export interface AdminSetup {
  /** True while no account has the admin role. */
  needsSetup(): Promise<boolean>
  /** At boot: the setup token while no admin exists (the nonce created on first need), else undefined. */
  prepare(): Promise<string | undefined>
  complete(input: SetupInput, meta: { ip?: string | undefined; userAgent?: string | undefined }): Promise<SetupSession>
  /** FLOE_ADMIN_EMAIL: creates that admin if absent; an existing account is made admin (its password kept). */
  ensureAdmin(admin: { email: string; password: string }): Promise<'created' | 'promoted' | 'unchanged'>
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Who the audit log names for a setup: the new admin themself (no one else is signed in yet). */
const setupActor = (id: string, email: string): Identity => ({ role: 'authenticated', via: 'jwt', claims: { sub: id, email, role: 'authenticated' } })
const BOOT_ACTOR: Identity = { role: 'service_role', via: 'service-key', claims: { role: 'service_role' } }

export function createAdminSetup(deps: AdminSetupDeps): AdminSetup {
  const key = Buffer.from(hkdfSync('sha256', typeof deps.secret === 'string' ? Buffer.from(deps.secret) : deps.secret, Buffer.alloc(0), 'floe admin setup v1', 32))
  const tokenOf = (nonce: string) => createHmac('sha256', key).update(nonce).digest('base64url')
  const tx = <T>(reason: string, fn: (client: Client) => Promise<T>) => deps.withOwner(`admin setup: ${reason}`, ({ client }) => fn(client))

  const hasAdmin = async (client: Client) => (await run<{ yes: boolean }>(client, `select exists (select 1 from auth.users u where ${IS_ADMIN_SQL}) as yes`))[0]?.yes === true

  function authOrFail(): AuthService {
    if (!deps.auth) throw new ApiError('SERVICE_UNAVAILABLE', { details: 'Accounts are not served by this app' })
    return deps.auth
  }

  async function createAdmin(email: string, password: string, name: string | undefined): Promise<string> {
    const auth = authOrFail()
    try {
      const created = await auth.betterAuth.api.createUser({
        body: { email, password, name: name ?? email.split('@')[0] ?? '', role: 'admin', data: { emailVerified: true } },
      })
      return created.user.id
    } catch (err) {
      throw createUserError(err)
    }
  }

  return {
    needsSetup: () => tx('needs setup', async (client) => !(await hasAdmin(client))),

    prepare: () =>
      tx('prepare', async (client) => {
        if (await hasAdmin(client)) {
          await run(client, 'delete from floe.admin_setup')
          return undefined
        }
        await run(client, 'insert into floe.admin_setup (id, nonce) values (1, $1) on conflict (id) do nothing', [randomBytes(24).toString('base64url')])
        const row = (await run<{ nonce: string }>(client, 'select nonce from floe.admin_setup where id = 1'))[0]
        return row && tokenOf(row.nonce)
      }),

    async complete(input, meta) {
      if (!input.token) throw new ApiError('USERS_SETUP_TOKEN_MISSING', { hint: 'Open the setup link printed in the server log' })
      const presented = input.token
      // Checked and claimed in one transaction: the nonce row is deleted, so of two setups racing
      // with the right token only one gets past here.
      const nonce = await tx('claim', async (client) => {
        if (await hasAdmin(client)) throw new ApiError('USERS_SETUP_DONE')
        const row = (await run<{ nonce: string }>(client, 'select nonce from floe.admin_setup where id = 1 for update'))[0]
        // No nonce and no admin yet: another setup claimed it and is creating its admin (or, if it
        // failed hard, the next boot prints a new link).
        if (!row) throw new ApiError('USERS_SETUP_DONE', { details: 'A setup is in progress', hint: 'If no admin appears, restart the server for a new link' })
        if (!timingSafeEqual(digest(tokenOf(row.nonce)), digest(presented))) throw new ApiError('USERS_SETUP_TOKEN_INVALID')
        const taken = await run(client, 'select 1 from auth.users where lower(email) = lower($1)', [input.email])
        if (taken.length > 0) throw new ApiError('USERS_EMAIL_TAKEN')
        await run(client, 'delete from floe.admin_setup where id = 1')
        return row.nonce
      })
      let id: string
      try {
        id = await createAdmin(input.email, input.password, input.name)
      } catch (err) {
        // Not created: the link keeps working.
        await tx('restore', (client) => run(client, 'insert into floe.admin_setup (id, nonce) values (1, $1) on conflict (id) do nothing', [nonce]))
        throw err
      }
      await tx('audit', (client) => recordAudit(client, setupActor(id, input.email), { action: 'users.setup_admin', target: id, details: { email: input.email } }))
      deps.log.info({ userId: id }, 'first admin created through the setup link')
      return authOrFail().gotrue.signInWithPassword(input.email, input.password, meta)
    },

    async ensureAdmin(admin) {
      const found = await tx('find env admin', async (client) =>
        (await run<{ id: string; is_admin: boolean }>(client, `select u.id::text, ${IS_ADMIN_SQL} as is_admin from auth.users u where lower(u.email) = lower($1)`, [admin.email]))[0],
      )
      if (found?.is_admin) return 'unchanged'
      if (found) {
        await tx('promote env admin', async (client) => {
          await run(client, `update auth.users set role = 'admin', updated_at = now() where id = $1`, [found.id])
          await run(client, 'delete from floe.admin_setup')
          await recordAudit(client, BOOT_ACTOR, { action: 'users.update', target: found.id, details: { role: 'admin', by: 'FLOE_ADMIN_EMAIL' } })
        })
        return 'promoted'
      }
      let id: string
      try {
        id = await createAdmin(admin.email, admin.password, undefined)
      } catch (err) {
        // Another replica booting at the same moment created it first.
        const now = await tx('recheck env admin', async (client) => (await run(client, `select 1 from auth.users u where lower(u.email) = lower($1) and ${IS_ADMIN_SQL}`, [admin.email])).length > 0)
        if (now) return 'unchanged'
        throw err
      }
      await tx('audit env admin', async (client) => {
        await run(client, 'delete from floe.admin_setup')
        await recordAudit(client, BOOT_ACTOR, { action: 'users.create', target: id, details: { email: admin.email, role: 'admin', by: 'FLOE_ADMIN_EMAIL' } })
      })
      return 'created'
    },
  }
}
