/**
 * GoTrue's `ban_duration`: 'none' (lift the ban) or a Go duration ('24h', '1h30m', '876000h',
 * '1.5h', '300ms'), as Go's time.ParseDuration reads it. Undefined when the text is not one.
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y

/** Milliseconds of a Go duration; 0 for 'none' (and for '0', as Go reads it). */
export function parseBanDuration(text: string): number | undefined {
  if (text === 'none' || text === '0' || text === '+0' || text === '-0') return 0
  const sign = text.startsWith('-') ? -1 : 1
  const body = text.replace(/^[+-]/, '')
  if (body === '') return undefined
  let ms = 0
  PART.lastIndex = 0
  while (PART.lastIndex < body.length) {
    const at = PART.lastIndex
    const m = PART.exec(body)
    if (!m || m.index !== at) return undefined
    ms += Number(m[1]) * UNIT_MS[m[2]!]!
  }
  // Go's limit is about 292 years; past it the duration overflows there and is refused here.
  return Number.isFinite(ms) && ms <= 9_223_372_036_854 ? sign * ms : undefined
}
