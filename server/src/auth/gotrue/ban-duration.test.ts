import { describe, expect, it } from 'vitest'
import { parseBanDuration } from './ban-duration.js'

describe('parseBanDuration (Go durations, as GoTrue reads ban_duration)', () => {
  it.each([
    ['none', 0],
    ['0', 0],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['2m3s', 123_000],
    ['876000h', 876_000 * 3_600_000],
    ['-1h', -3_600_000],
    ['1500us', 1.5],
  ])('%s → %d ms', (text, ms) => {
    expect(parseBanDuration(text)).toBe(ms)
  })

  it.each(['', 'h', '24', '1d', '1h ', ' 1h', 'forever', '1h-1m', '99999999999h', '-'])('refuses %j', (text) => {
    expect(parseBanDuration(text)).toBeUndefined()
  })
})
