import { describe, expect, it } from 'vitest'
import { encodePayload, RateWindow } from './limits.js'

describe('encodePayload', () => {
  it('measures JSON in UTF-8 bytes and bytes as they are, carrying bytes in base64', () => {
    expect(encodePayload({ event: 'e', payload: { t: 'é' } })).toEqual({ json: '{"t":"é"}', size: 10, binary: false })
    expect(encodePayload({ event: 'e', payload: undefined })).toEqual({ json: 'null', size: 4, binary: false })
    expect(encodePayload({ event: 'e', payload: new Uint8Array([0, 255]), binary: true })).toEqual({ json: '"AP8="', size: 2, binary: true })
    expect(encodePayload({ event: 'e', payload: new Uint8Array([1, 2, 3]).buffer, binary: true }).size).toBe(3)
  })
})

describe('RateWindow', () => {
  it('allows `limit` events per window and starts again after it', () => {
    let now = 1_000
    const w = new RateWindow(2, 1000, () => now)
    expect([w.take(), w.take(), w.take()]).toEqual([true, true, false])
    now += 999
    expect(w.take()).toBe(false)
    now += 1
    expect([w.take(), w.take(), w.take()]).toEqual([true, true, false])
  })
})
