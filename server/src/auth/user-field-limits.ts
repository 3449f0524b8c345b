/**
 * How long a stored user field may be, checked where requests come in (better-auth's routes here,
 * GoTrue's in accounts.ts and their schemas) and again by the database (migration 0016), so no
 * field is unbounded whatever door wrote it.
 */
export const USER_FIELD_LIMITS = {
  name: 200,
  /** RFC 5321's longest usable address (assertEmail holds GoTrue's routes to the same). */
  email: 254,
  newEmail: 254,
  image: 2048,
  banReason: 1024,
} as const

/** Sessions keep the start of a User-Agent, never refuse one (GoTrue's sessions do the same). */
export const USER_AGENT_MAX = 512

/**
 * The first field of a request body over its limit, as a message for a 400; undefined if none.
 * The admin plugin's create-user and update-user carry the fields in `data` as well.
 */
export function overLongField(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const nested = (body as Record<string, unknown>).data
  for (const fields of [body as Record<string, unknown>, typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : {}]) {
    for (const [field, max] of Object.entries(USER_FIELD_LIMITS)) {
      const value = fields[field]
      if (typeof value === 'string' && value.length > max) return `${field} is ${value.length} characters long; at most ${max} characters are kept`
    }
  }
  return undefined
}
