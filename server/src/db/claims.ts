/**
 * How a caller's claims reach Postgres: `request.jwt.claims` (what `auth.jwt()` reads, as
 * PostgREST sets it), plus the two settings of `auth.uid()`'s fast path (migration 0025):
 * `floe.uid`, the uid the claims give, and `floe.uid_claims`, the claims text it was computed
 * from. `auth.uid()` reads `floe.uid` only while `request.jwt.claims` still equals that text, so
 * claims set any other way (by hand in SQL, changed inside a function) take its slow path and
 * the answer is always the one the claims give.
 */
import { UUID } from '../uuid.js'

/** `floe.uid` for these claims: the uid `auth.uid()` would read from them (a `sub` shaped like a uuid), '' for null. */
export function uidSetting(claims: Record<string, unknown>): string {
  const sub = claims.sub
  return typeof sub === 'string' && UUID.test(sub) ? sub : ''
}

/** The (name, value) pairs to set, transaction-local, for a caller with these claims. */
export function claimSettings(claims: Record<string, unknown>): [string, string][] {
  const text = JSON.stringify(claims)
  return [
    ['request.jwt.claims', text],
    ['floe.uid_claims', text],
    ['floe.uid', uidSetting(claims)],
  ]
}
