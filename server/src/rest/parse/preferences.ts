/**
 * The `Prefer` header, as PostgREST's Preferences.fromHeaders: comma-separated tokens across every
 * Prefer header, the first recognised value of each kind wins, the rest are remembered as invalid
 * (an error only under `handling=strict`).
 */
import { ApiError } from '../../errors/index.js'
import type { Preferences } from './types.js'

const KNOWN: Record<string, Partial<Preferences>> = {
  'resolution=merge-duplicates': { resolution: 'merge-duplicates' },
  'resolution=ignore-duplicates': { resolution: 'ignore-duplicates' },
  'return=representation': { return: 'representation' },
  'return=minimal': { return: 'minimal' },
  'return=headers-only': { return: 'headers-only' },
  'params=single-object': { params: 'single-object' },
  'count=exact': { count: 'exact' },
  'count=planned': { count: 'planned' },
  'count=estimated': { count: 'estimated' },
  'tx=commit': { tx: 'commit' },
  'tx=rollback': { tx: 'rollback' },
  'missing=default': { missing: 'default' },
  'missing=null': { missing: 'null' },
  'handling=strict': { handling: 'strict' },
  'handling=lenient': { handling: 'lenient' },
}

export interface PreferenceOptions {
  /** PostgREST's db-tx-end allows `tx=` overrides only when configured; Floe allows them by default. */
  allowTxOverride?: boolean
  /** Time zone names Postgres knows (pg_timezone_names); without it `timezone=` is ignored. */
  timezones?: ReadonlySet<string>
}

export function parsePreferences(headerValues: string[], options: PreferenceOptions = {}): Preferences {
  const tokens = headerValues.flatMap((h) => h.split(',')).map((t) => t.trim())
  const prefs: Preferences = { invalid: [] }
  const allowTx = options.allowTxOverride ?? true
  for (const token of tokens) {
    const known = KNOWN[token]
    if (known !== undefined) {
      const [key] = Object.keys(known) as (keyof Preferences)[]
      if (key === 'tx' && !allowTx) continue
      if (key !== undefined && prefs[key] === undefined) Object.assign(prefs, known)
      continue
    }
    if (token.startsWith('max-affected=')) {
      const n = /^-?\d+$/.test(token.slice(13)) ? Number(token.slice(13)) : undefined
      if (n !== undefined && prefs.maxAffected === undefined) prefs.maxAffected = n
      continue
    }
    if (token.startsWith('timezone=') && options.timezones?.has(token.slice(9))) {
      prefs.timezone ??= token.slice(9)
      continue
    }
    prefs.invalid.push(token)
  }
  return prefs
}

/** PGRST122, raised by PostgREST only when the client asked for `handling=strict`. */
export function assertStrictPreferences(prefs: Preferences): void {
  if (prefs.handling !== 'strict' || prefs.invalid.length === 0) return
  throw new ApiError('PGRST122', {
    message: 'Invalid preferences given with handling=strict',
    details: `Invalid preferences: ${prefs.invalid.join(', ')}`,
    hint: null,
  })
}
