import { describe, expect, it } from 'vitest'
import { decodeBusMessage, encodeBroadcast, encodeDiff, encodeHeartbeat, encodeRequest, encodeState } from './wire.js'

describe('bus messages', () => {
  it('round-trip', () => {
    expect(decodeBusMessage(encodeBroadcast('A', 'o:x', 'ev', '{"a":[1]}', false))).toEqual({ t: 'b', r: 'A', room: 'o:x', event: 'ev', payload: { a: [1] } })
    expect(decodeBusMessage(encodeBroadcast('A', 'p:x', 'ev', '"AP8="', true))).toEqual({ t: 'b', r: 'A', room: 'p:x', event: 'ev', bin: true, payload: 'AP8=' })
    const joins = { k: { metas: [{ phx_ref: 'r', x: 1 }] } }
    expect(decodeBusMessage(encodeDiff('A', 3, 'o:x', joins, {}))).toEqual({ t: 'd', r: 'A', v: 3, room: 'o:x', joins, leaves: {} })
    expect(decodeBusMessage(encodeState('A', 3, [['o:x', 'k', { phx_ref: 'r' }]]))).toEqual({ t: 's', r: 'A', v: 3, entries: [['o:x', 'k', { phx_ref: 'r' }]] })
    expect(decodeBusMessage(encodeRequest('A', 'B'))).toEqual({ t: 'q', r: 'A', to: 'B' })
    expect(decodeBusMessage(encodeHeartbeat('A', 0))).toEqual({ t: 'h', r: 'A', v: 0 })
  })

  it('rejects what is not one', () => {
    expect(decodeBusMessage('not json')).toBeUndefined()
    expect(decodeBusMessage('{"t":"d","r":"A"}')).toBeUndefined()
    expect(decodeBusMessage('{"t":"zz","r":"A"}')).toBeUndefined()
  })
})
