/**
 * A Floe user (better-auth's row in auth.users, with the GoTrue fields migration 0013 added) in
 * GoTrue's JSON shape, the `User` that `@supabase/auth-js` reads, and the queries that load it.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/index.js'

export interface UserRow {
  id: string
  email: string
  name: string
  email_verified: boolean
  email_confirmed_at: Date | null
  created_at: Date
  updated_at: Date
  last_sign_in_at: Date | null
  user_metadata: Record<string, unknown>
  app_metadata: Record<string, unknown>
  is_anonymous: boolean
  new_email: string | null
  confirmation_sent_at: Date | null
  recovery_sent_at: Date | null
  email_change_sent_at: Date | null
  banned: boolean | null
  ban_expires: Date | null
  role: string | null
}

interface AccountRow {
  id: string
  provider_id: string
  account_id: string
  created_at: Date
  updated_at: Date
}

export interface FactorRow {
  id: string
  friendly_name: string | null
  factor_type: string
  status: string
  created_at: Date
  updated_at: Date
}

export interface GoTrueIdentity {
  identity_id: string
  id: string
  user_id: string
  identity_data: Record<string, unknown>
  provider: string
  last_sign_in_at: string | null
  created_at: string
  updated_at: string
  email: string
}

export interface GoTrueFactor {
  id: string
  friendly_name?: string
  factor_type: string
  status: string
  created_at: string
  updated_at: string
}

export interface GoTrueUser {
  id: string
  aud: 'authenticated'
  role: 'authenticated'
  email: string
  email_confirmed_at?: string
  phone: string
  confirmed_at?: string
  confirmation_sent_at?: string
  recovery_sent_at?: string
  new_email?: string
  email_change_sent_at?: string
  last_sign_in_at?: string
  app_metadata: Record<string, unknown>
  user_metadata: Record<string, unknown>
  identities: GoTrueIdentity[]
  factors?: GoTrueFactor[]
  created_at: string
  updated_at: string
  is_anonymous: boolean
  banned_until?: string
}

export interface LoadedUser {
  row: UserRow
  accounts: AccountRow[]
  factors: FactorRow[]
}

const USER_COLUMNS = sql`id, email, name, email_verified, email_confirmed_at, created_at, updated_at, last_sign_in_at,
  user_metadata, app_metadata, coalesce(is_anonymous, false) as is_anonymous, new_email, confirmation_sent_at,
  recovery_sent_at, email_change_sent_at, banned, ban_expires, role`

export async function findUserRow(db: Kysely<DB>, by: { id: string } | { email: string }): Promise<UserRow | undefined> {
  const where = 'id' in by ? sql`id = ${by.id}::uuid` : sql`lower(email) = lower(${by.email})`
  const r = await sql<UserRow>`select ${USER_COLUMNS} from auth.users where ${where}`.execute(db)
  return r.rows[0]
}

/** The user with its identities (accounts) and verified-or-not MFA factors. */
export async function findUser(db: Kysely<DB>, by: { id: string } | { email: string }): Promise<LoadedUser | undefined> {
  const row = await findUserRow(db, by)
  if (!row) return undefined
  const [accounts, factors] = await Promise.all([
    sql<AccountRow>`select id, provider_id, account_id, created_at, updated_at from auth.accounts
                    where user_id = ${row.id} order by created_at`.execute(db),
    sql<FactorRow>`select id, friendly_name, factor_type, status, created_at, updated_at from auth.mfa_factors
                   where user_id = ${row.id} order by created_at`.execute(db),
  ])
  return { row, accounts: accounts.rows, factors: factors.rows }
}

/** Many users at once, in the order of `ids` (a page of the admin list): three queries in all. */
export async function findUsers(db: Kysely<DB>, ids: readonly string[]): Promise<LoadedUser[]> {
  if (ids.length === 0) return []
  const list = sql.join(ids.map((id) => sql`${id}::uuid`))
  const [rows, accounts, factors] = await Promise.all([
    sql<UserRow>`select ${USER_COLUMNS} from auth.users where id in (${list})`.execute(db),
    sql<AccountRow & { user_id: string }>`select id, user_id, provider_id, account_id, created_at, updated_at from auth.accounts
                                          where user_id in (${list}) order by created_at`.execute(db),
    sql<FactorRow & { user_id: string }>`select id, user_id, friendly_name, factor_type, status, created_at, updated_at from auth.mfa_factors
                                         where user_id in (${list}) order by created_at`.execute(db),
  ])
  const byId = new Map(rows.rows.map((row) => [row.id, { row, accounts: [] as AccountRow[], factors: [] as FactorRow[] }]))
  for (const a of accounts.rows) byId.get(a.user_id)?.accounts.push(a)
  for (const f of factors.rows) byId.get(f.user_id)?.factors.push(f)
  return ids.flatMap((id) => byId.get(id) ?? [])
}

const iso = (d: Date | string | null | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined)

/** better-auth's provider ids in GoTrue's names ('credential' is GoTrue's 'email'). */
const providerName = (providerId: string): string => (providerId === 'credential' ? 'email' : providerId)

/** The email an anonymous user holds in auth.users (unique, never mailed): GoTrue shows none. */
export const ANONYMOUS_EMAIL_DOMAIN = 'anonymous.floe.invalid'
export const isPlaceholderEmail = (email: string): boolean => email.endsWith('@' + ANONYMOUS_EMAIL_DOMAIN)

export function providersOf(u: LoadedUser): string[] {
  const names = [...new Set(u.accounts.map((a) => providerName(a.provider_id)))]
  return names.length > 0 ? names : u.row.is_anonymous ? ['anonymous'] : ['email']
}

/** app_metadata as GoTrue keeps it: provider and providers, then what the service role stored. */
export function appMetadataOf(u: LoadedUser): Record<string, unknown> {
  const providers = providersOf(u)
  return { provider: providers[0], providers, ...u.row.app_metadata }
}

export function toGoTrueUser(u: LoadedUser): GoTrueUser {
  const { row } = u
  const email = isPlaceholderEmail(row.email) ? '' : row.email
  const confirmedAt = iso(row.email_confirmed_at)
  const identities: GoTrueIdentity[] = u.accounts.map((a) => {
    const provider = providerName(a.provider_id)
    const sub = provider === 'email' ? row.id : a.account_id
    return {
      identity_id: a.id,
      id: sub,
      user_id: row.id,
      identity_data: { email, email_verified: row.email_verified, phone_verified: false, sub },
      provider,
      last_sign_in_at: iso(row.last_sign_in_at) ?? null,
      created_at: iso(a.created_at)!,
      updated_at: iso(a.updated_at)!,
      email,
    }
  })
  const banned = row.banned === true && (!row.ban_expires || new Date(row.ban_expires).getTime() > Date.now())
  return {
    id: row.id,
    aud: 'authenticated',
    role: 'authenticated',
    email,
    ...(confirmedAt && { email_confirmed_at: confirmedAt, confirmed_at: confirmedAt }),
    phone: '',
    ...(row.confirmation_sent_at && { confirmation_sent_at: iso(row.confirmation_sent_at) }),
    ...(row.recovery_sent_at && { recovery_sent_at: iso(row.recovery_sent_at) }),
    ...(row.new_email && { new_email: row.new_email, email_change_sent_at: iso(row.email_change_sent_at) }),
    ...(row.last_sign_in_at && { last_sign_in_at: iso(row.last_sign_in_at) }),
    app_metadata: appMetadataOf(u),
    user_metadata: row.user_metadata,
    identities,
    ...(u.factors.length > 0 && {
      factors: u.factors.map((f) => ({
        id: f.id,
        ...(f.friendly_name !== null && { friendly_name: f.friendly_name }),
        factor_type: f.factor_type,
        status: f.status,
        created_at: iso(f.created_at)!,
        updated_at: iso(f.updated_at)!,
      })),
    }),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    is_anonymous: row.is_anonymous,
    ...(banned && { banned_until: iso(row.ban_expires) ?? '9999-12-31T23:59:59.000Z' }),
  }
}
