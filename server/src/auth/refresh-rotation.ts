/**
 * Refresh token rotation, shared by every door that refreshes (GoTrue's /token, Floe's own).
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Database } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import type { Logger } from '../log.js'

/** Session tokens as better-auth makes them: 32 letters and digits. */
function newSessionToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  // 248 = 62 * 4: bytes at or above it are dropped, so every character is equally likely.
  let out = ''
  while (out.length < 32) for (const b of randomBytes(48)) if (b < 248 && out.length < 32) out += alphabet[b % 62]
  return out
}

/**
 * Refresh token rotation, as Supabase's: the presented token is replaced by a new one in the
 * session row (under a row lock, so concurrent refreshes serialize). The replaced token is kept
 * for `reuseIntervalS`: presented again within it (another tab refreshing at the same moment) it
 * answers the current token; presented later, someone replayed a spent token, and the session is
 * ended. Returns the session's current token.
 */
export async function rotateRefreshToken(database: Database, presented: string, reuseIntervalS: number, log: Logger): Promise<string> {
  const outcome = await database.withOwner('auth: refresh token rotation', async ({ trx }) => {
    const current = await sql<{ id: string }>`
      select id from auth.sessions where token = ${presented} and expires_at > now() for update`.execute(trx)
    const session = current.rows[0]
    if (session) {
      const next = newSessionToken()
      await sql`update auth.sessions set token = ${next}, previous_token = ${presented}, rotated_at = now(), updated_at = now()
                where id = ${session.id}`.execute(trx)
      return { token: next }
    }
    const replaced = await sql<{ id: string; token: string; recent: boolean }>`
      select id, token, rotated_at > now() - make_interval(secs => ${reuseIntervalS}) as recent
        from auth.sessions where previous_token = ${presented} and expires_at > now() for update`.execute(trx)
    const rotated = replaced.rows[0]
    if (!rotated) return { token: undefined }
    if (rotated.recent) return { token: rotated.token }
    await sql`delete from auth.sessions where id = ${rotated.id}`.execute(trx)
    return { token: undefined, revoked: rotated.id }
  })
  if (outcome.revoked) log.warn({ sessionId: outcome.revoked }, 'a replaced refresh token was presented again after the reuse interval: session ended')
  if (outcome.revoked) throw new ApiError('refresh_token_already_used')
  if (outcome.token === undefined) throw new ApiError('refresh_token_not_found')
  return outcome.token
}

