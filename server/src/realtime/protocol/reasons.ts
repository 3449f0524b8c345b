/**
 * The words a refusal is shown to the client in: the `reason` of a `phx_reply` error or the
 * `message` of a `system` error, worded as Supabase Realtime words them ("Code: message"), so an
 * app's error handling reads the same on both servers. Pure.
 */
import { ApiError } from '../../errors/index.js'
import { RealtimeError } from '../types.js'

export const REASONS = {
  unmatchedTopic: 'unmatched topic',
  topicRequired: 'TopicNameRequired: You must provide a topic name',
  tooManyChannels: 'ChannelRateLimitReached: Too many channels',
  tooManyJoins: 'ClientJoinRateLimitReached: Too many joins per second',
  presenceNotMap: 'Presence track payload must be a map',
  unknown: 'UnknownErrorOnChannel: Unknown Error on Channel',
} as const

/** Seconds since `exp` (a JWT's seconds since the epoch), in Supabase's words. */
export function expiredMessage(exp: number, now = Date.now()): string {
  return `Token has expired ${Math.max(0, Math.round(now / 1000 - exp))} seconds ago`
}

/** The `exp` of a JWT, read without verifying it (only to word a refusal). */
export function unverifiedExp(token: string | undefined): number | undefined {
  const part = token?.split('.')[1]
  if (!part) return undefined
  try {
    const exp: unknown = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp : undefined
  } catch {
    return undefined
  }
}

/**
 * Why a join, a token swap or a re-check was refused. An identity refusal (401 ApiError) names
 * the token problem; a RealtimeError from the feed or the hub is shown as it is worded; anything
 * else is unknown (and logged by the caller).
 */
export function reasonFor(err: unknown, token?: string): { reason: string; known: boolean } {
  if (err instanceof RealtimeError) return { reason: err.message, known: true }
  if (err instanceof ApiError) {
    if (err.code === 'JWT_EXPIRED') {
      const exp = unverifiedExp(token)
      return { reason: `InvalidJWTToken: ${exp === undefined ? 'Token has expired' : expiredMessage(exp)}`, known: true }
    }
    const prefix = err.code.startsWith('JWT_') ? 'InvalidJWTToken' : 'Unauthorized'
    const details = typeof err.details === 'string' && err.details ? `: ${err.details}` : ''
    return { reason: `${prefix}: ${err.message}${details}`, known: true }
  }
  return { reason: REASONS.unknown, known: false }
}
