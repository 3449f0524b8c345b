/**
 * GoTrue's MFA with TOTP (what auth-js `mfa.enroll/challenge/verify/unenroll` call), on
 * auth.mfa_factors and auth.mfa_challenges. The factor's secret is kept encrypted with the auth
 * secret. Verifying a challenge raises the caller's session to aal2 (its access token then says so)
 * and, as GoTrue does, signs out the user's sessions still at aal1 and drops unverified factors.
 *
 * The code arithmetic is RFC 6238's (SHA-1, 6 digits, 30 s, one step of skew either way), from
 * `otpauth`; the QR code is an SVG from `uqr`, sent bare as GoTrue sends it (auth-js prefixes it
 * with `data:image/svg+xml;utf-8,`).
 */
import { Secret, TOTP } from 'otpauth'
import { sql } from 'kysely'
import { renderSVG } from 'uqr'
import type { Database } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import type { Identity } from '../../http/index.js'
import { decryptSecret, encryptSecret } from '../crypto.js'
import type { GoTrue } from './gotrue-service.js'
import type { GoTrueSession } from './sessions.js'
import type { FactorRow, GoTrueFactor } from './user-json.js'

/** GoTrue's defaults: a challenge lives 300 s, an unverified factor as long; at most 10 factors. */
export const CHALLENGE_TTL_S = 300
const UNVERIFIED_FACTOR_TTL_S = 300
const MAX_FACTORS = 10
const TOTP_PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const

export interface EnrollInput {
  factorType: string
  friendlyName?: string | undefined
  issuer?: string | undefined
}

export interface EnrolledTotp {
  id: string
  type: 'totp'
  friendly_name: string
  totp: { qr_code: string; secret: string; uri: string }
}

export interface Challenge {
  id: string
  type: 'totp'
  expires_at: number
}

interface FactorSecretRow extends FactorRow {
  secret: string
}

/** A status of GoTrue's that differs from the code's usual one (the code is what clients read). */
const withStatus = (code: 'insufficient_aal' | 'mfa_factor_not_found' | 'no_authorization', status: 403 | 422, message: string) =>
  new ApiError({ passThrough: code, status }, { message })

/** A factor as GoTrue lists it (the admin API's factors; the user's are in the user JSON). */
export function toGoTrueFactor(f: FactorRow): GoTrueFactor {
  return {
    id: f.id,
    ...(f.friendly_name !== null && { friendly_name: f.friendly_name }),
    factor_type: f.factor_type,
    status: f.status,
    created_at: new Date(f.created_at).toISOString(),
    updated_at: new Date(f.updated_at).toISOString(),
  }
}

export function createMfa(g: GoTrue, d: { database: Database; secret: string; publicUrl: string }) {
  const db = g.db

  /** A signed-in, non-anonymous caller (GoTrue's requireNotAnonymous on /factors). */
  async function callerOf(identity: Identity | undefined) {
    const caller = await g.callerOf(identity)
    if (identity?.claims.is_anonymous === true) throw withStatus('no_authorization', 403, 'Anonymous user not allowed to perform these actions')
    return caller
  }

  async function ownedFactor(userId: string, factorId: string): Promise<FactorSecretRow> {
    const r = await sql<FactorSecretRow>`select id, friendly_name, factor_type, status, created_at, updated_at, secret
                                         from auth.mfa_factors where id = ${factorId}::uuid and user_id = ${userId}::uuid`.execute(db)
    const factor = r.rows[0]
    if (!factor) throw new ApiError('mfa_factor_not_found')
    return factor
  }

  return {
    /** POST /factors: a new unverified TOTP factor, its secret, otpauth:// URI and QR code. */
    async enroll(identity: Identity | undefined, input: EnrollInput): Promise<EnrolledTotp> {
      const { userId, session } = await callerOf(identity)
      if (input.factorType === 'phone') throw new ApiError('mfa_phone_enroll_not_enabled')
      if (input.factorType === 'webauthn') throw new ApiError('mfa_webauthn_enroll_not_enabled')
      if (input.factorType !== 'totp') throw new ApiError('validation_failed', { message: 'factor_type needs to be totp, phone, or webauthn' })
      const friendlyName = input.friendlyName ?? ''
      await sql`delete from auth.mfa_factors where user_id = ${userId}::uuid and status = 'unverified'
                and created_at < now() - make_interval(secs => ${UNVERIFIED_FACTOR_TTL_S})`.execute(db)
      const user = await g.sessions.loadUser(userId)
      // GoTrue compares names as given, so two unnamed factors conflict too.
      if (user.factors.some((f) => (f.friendly_name ?? '') === friendlyName)) {
        throw new ApiError('mfa_factor_name_conflict', { message: `A factor with the friendly name "${friendlyName}" for this user already exists` })
      }
      if (user.factors.length >= MAX_FACTORS) throw new ApiError('too_many_enrolled_mfa_factors')
      if (user.factors.some((f) => f.status === 'verified') && session.aal !== 'aal2') {
        throw new ApiError('insufficient_aal', { message: 'AAL2 required to enroll a new factor' })
      }
      const secret = new Secret({ size: 20 })
      const totp = new TOTP({ ...TOTP_PARAMS, issuer: input.issuer || new URL(d.publicUrl).host, label: user.row.email, secret })
      const uri = totp.toString()
      const r = await sql<{ id: string }>`insert into auth.mfa_factors (user_id, friendly_name, factor_type, status, secret)
        values (${userId}::uuid, ${friendlyName === '' ? null : friendlyName}, 'totp', 'unverified', ${encryptSecret(secret.base32, d.secret)})
        returning id`.execute(db)
      return { id: r.rows[0]!.id, type: 'totp', friendly_name: friendlyName, totp: { qr_code: renderSVG(uri, { ecc: 'M', pixelSize: 4 }), secret: secret.base32, uri } }
    },

    /** POST /factors/:id/challenge: a challenge to verify within 300 s, from the same IP. */
    async challenge(identity: Identity | undefined, factorId: string, ip: string | undefined): Promise<Challenge> {
      const { userId } = await callerOf(identity)
      const factor = await ownedFactor(userId, factorId)
      const r = await sql<{ id: string; created_at: Date }>`
        with c as (insert into auth.mfa_challenges (factor_id, ip_address) values (${factor.id}::uuid, ${ip ?? ''}) returning id, created_at),
             f as (update auth.mfa_factors set last_challenged_at = now() where id = ${factor.id}::uuid)
        select id, created_at from c`.execute(db)
      const c = r.rows[0]!
      return { id: c.id, type: 'totp', expires_at: Math.floor(new Date(c.created_at).getTime() / 1000) + CHALLENGE_TTL_S }
    },

    /** POST /factors/:id/verify: the code of a live challenge → the session at aal2. */
    async verify(identity: Identity | undefined, factorId: string, input: { challengeId: string; code: string }, ip: string | undefined): Promise<GoTrueSession> {
      const { userId, session } = await callerOf(identity)
      const factor = await ownedFactor(userId, factorId)
      const r = await sql<{ id: string; verified_at: Date | null; ip_address: string | null; expired: boolean }>`
        select id, verified_at, ip_address, created_at < now() - make_interval(secs => ${CHALLENGE_TTL_S}) as expired
        from auth.mfa_challenges where id = ${input.challengeId}::uuid and factor_id = ${factor.id}::uuid`.execute(db)
      const challenge = r.rows[0]
      if (!challenge) throw withStatus('mfa_factor_not_found', 422, 'MFA factor with the provided challenge ID not found')
      if (challenge.verified_at !== null || (challenge.ip_address ?? '') !== (ip ?? '')) throw new ApiError('mfa_ip_address_mismatch')
      if (challenge.expired) {
        await sql`delete from auth.mfa_challenges where id = ${challenge.id}::uuid`.execute(db)
        throw new ApiError('mfa_challenge_expired', { message: `MFA challenge ${challenge.id} has expired, verify against another challenge or create a new challenge.` })
      }
      const valid = TOTP.validate({ ...TOTP_PARAMS, token: input.code.trim(), secret: Secret.fromBase32(decryptSecret(factor.secret, d.secret)), window: 1 })
      if (valid === null) throw new ApiError('mfa_verification_failed')
      await d.database.withOwner('auth: MFA challenge verified (challenge used, factor verified)', async ({ trx }) => {
        // Taken once: of two concurrent verifies of one challenge, only one finds it unverified.
        const used = await sql`update auth.mfa_challenges set verified_at = now() where id = ${challenge.id}::uuid and verified_at is null`.execute(trx)
        if (used.numAffectedRows === 0n) throw new ApiError('mfa_ip_address_mismatch')
        await sql`update auth.mfa_factors set status = 'verified', updated_at = now() where id = ${factor.id}::uuid and status <> 'verified'`.execute(trx)
        await sql`delete from auth.mfa_factors where user_id = ${userId}::uuid and status = 'unverified' and factor_type = 'totp'`.execute(trx)
      })
      const elevated = await g.sessions.elevate(session.id, 'totp')
      // The user's other sessions proved one factor only: GoTrue ends them once MFA is in force.
      await sql`delete from auth.sessions where user_id = ${userId}::uuid and aal = 'aal1'`.execute(db)
      return elevated
    },

    /** DELETE /factors/:id: a verified factor only from an aal2 session. */
    async unenroll(identity: Identity | undefined, factorId: string): Promise<{ id: string }> {
      const { userId, session } = await callerOf(identity)
      const factor = await ownedFactor(userId, factorId)
      if (factor.status === 'verified' && session.aal !== 'aal2') throw withStatus('insufficient_aal', 422, 'AAL2 required to unenroll verified factor')
      await deleteFactor(userId, factor)
      return { id: factor.id }
    },

    /** The user's factors, for the admin API. */
    async listFactors(userId: string): Promise<GoTrueFactor[]> {
      return (await g.sessions.loadUser(userId)).factors.map(toGoTrueFactor)
    },

    /** The admin API's delete: any factor of the user, whatever the session. */
    async adminDeleteFactor(userId: string, factorId: string): Promise<GoTrueFactor> {
      await g.sessions.loadUser(userId)
      const factor = await ownedFactor(userId, factorId)
      await deleteFactor(userId, factor)
      return toGoTrueFactor(factor)
    },
  }

  /**
   * Deletes the factor and lowers the user's aal2 sessions to aal1 without their TOTP method.
   * GoTrue lowers only the sessions that factor raised; Floe does not record which factor raised
   * a session, so with several TOTP factors it lowers them all (stricter, never looser).
   */
  async function deleteFactor(userId: string, factor: FactorRow): Promise<void> {
    await d.database.withOwner('auth: MFA factor removed (sessions lowered to aal1)', async ({ trx }) => {
      await sql`delete from auth.mfa_factors where id = ${factor.id}::uuid`.execute(trx)
      if (factor.status !== 'verified') return
      await sql`update auth.sessions set aal = 'aal1', updated_at = now(),
                  amr = coalesce((select jsonb_agg(e) from jsonb_array_elements(amr) e where e ->> 'method' <> 'totp'), '[]'::jsonb)
                where user_id = ${userId}::uuid and aal = 'aal2'`.execute(trx)
    })
  }
}

export type Mfa = ReturnType<typeof createMfa>
