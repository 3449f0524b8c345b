/**
 * GoTrue's one-time codes: every auth email carries a 6-digit code and a link with a token hash,
 * either of which `/verify` accepts once, and PKCE flow states for the `?code=` a link or an OAuth
 * redirect hands back. Kept in better-auth's `auth.verifications` table under `gotrue:` names.
 *
 * The token hash is an HMAC of (kind, email, code) under the auth secret, so a code presented with
 * its email and the link's hash find the same row, and a leaked table holds nothing that signs in
 * (rows are named by the hash; the code itself is never stored). Taking a code deletes its row in
 * the same statement, so it works once even under concurrent requests.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/index.js'

/** What a code proves. Codes of one class replace each other: only the newest works. */
export type CodeClass = 'email' | 'recovery' | 'email_change' | 'invite'

/** The `type` of a /verify request → the class of code it may take (GoTrue's `email` covers signup and magic link). */
export const CLASS_OF_TYPE = {
  signup: 'email',
  magiclink: 'email',
  email: 'email',
  invite: 'invite',
  recovery: 'recovery',
  email_change: 'email_change',
} as const satisfies Record<string, CodeClass>

export type VerifyType = keyof typeof CLASS_OF_TYPE

/** A PKCE challenge a client sent with the request that led to the email or redirect. */
export interface PkceChallenge {
  challenge: string
  method: 's256' | 'plain'
}

export interface CodePayload {
  class: CodeClass
  /** The verify `type` the email was sent for (what GET /verify's redirect reports). */
  type: VerifyType
  userId: string
  email: string
  /** email_change: the address the user asked for. */
  newEmail?: string | undefined
  redirectTo?: string | undefined
  pkce?: PkceChallenge | undefined
}

export interface FlowState {
  userId: string
  pkce: PkceChallenge
  /** How the user got here, for the session's amr ('otp', 'recovery', 'oauth', ...). */
  method: string
}

export const CODE_TTL_S = 3600
const FLOW_TTL_S = 300

/** One value under a one-time name: kept until `ttlS` passes or it is taken. */
async function keepOnce(db: Kysely<DB>, identifier: string, value: unknown, ttlS: number): Promise<void> {
  await sql`insert into auth.verifications (identifier, value, expires_at, created_at, updated_at)
            values (${identifier}, ${JSON.stringify(value)}, now() + make_interval(secs => ${ttlS}), now(), now())`.execute(db)
}

/** The live value under a one-time name, deleted in the same statement: taken once, even concurrently. */
async function takeOnce<T>(db: Kysely<DB>, identifier: string): Promise<T | undefined> {
  const r = await sql<{ value: string }>`delete from auth.verifications where identifier = ${identifier}
                                        and expires_at > now() returning value`.execute(db)
  const value = r.rows[0]?.value
  return value === undefined ? undefined : (JSON.parse(value) as T)
}

export function createOneTimeCodes(db: Kysely<DB>, secret: string) {
  const hashOf = (cls: CodeClass, email: string, code: string): string =>
    createHmac('sha256', secret).update(`gotrue:${cls}:${email.toLowerCase()}:${code}`).digest('hex')

  return {
    /** A new code for (class, user); older ones of the same class and user stop working. */
    async issue(payload: CodePayload): Promise<{ code: string; tokenHash: string }> {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      const tokenHash = hashOf(payload.class, payload.email, code)
      await sql`delete from auth.verifications where identifier like 'gotrue:%'
                  and value::jsonb ->> 'userId' = ${payload.userId} and value::jsonb ->> 'class' = ${payload.class}`.execute(db)
      await keepOnce(db, 'gotrue:' + tokenHash, payload, CODE_TTL_S)
      return { code, tokenHash }
    },

    /** Takes the code named by its link hash, or by (class, email, code); undefined if none is live. */
    async take(by: { tokenHash: string } | { class: CodeClass; email: string; code: string }): Promise<CodePayload | undefined> {
      const tokenHash = 'tokenHash' in by ? by.tokenHash : hashOf(by.class, by.email, by.code)
      if (!/^[0-9a-f]{64}$/.test(tokenHash)) return undefined
      return takeOnce<CodePayload>(db, 'gotrue:' + tokenHash)
    },

    /** A PKCE flow's auth code, exchanged once at /token?grant_type=pkce. */
    async startFlow(state: FlowState): Promise<string> {
      const authCode = randomBytes(24).toString('base64url')
      await keepOnce(db, 'gotrue-flow:' + authCode, state, FLOW_TTL_S)
      return authCode
    },

    takeFlow: (authCode: string): Promise<FlowState | undefined> => takeOnce<FlowState>(db, 'gotrue-flow:' + authCode),

    /** Other one-time state (an OAuth round trip's), under `gotrue-<kind>:` names. */
    keepState: (name: string, value: unknown, ttlS: number): Promise<void> => keepOnce(db, 'gotrue-' + name, value, ttlS),
    takeState: <T>(name: string): Promise<T | undefined> => takeOnce<T>(db, 'gotrue-' + name),
  }
}

export type OneTimeCodes = ReturnType<typeof createOneTimeCodes>

/** Whether a PKCE verifier answers its challenge (RFC 7636). */
export function verifierMatches(pkce: PkceChallenge, verifier: string): boolean {
  const derived = pkce.method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier
  const a = Buffer.from(derived)
  const b = Buffer.from(pkce.challenge)
  return a.length === b.length && timingSafeEqual(a, b)
}
