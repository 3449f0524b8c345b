import { describe, expect, it } from 'vitest'
import { PresenceRegistry, type PresenceEntry } from './presence.js'

const entry = (room: string, key: string, ref: string, replica: string, extra: Record<string, unknown> = {}): PresenceEntry => ({
  room,
  key,
  replica,
  meta: { phx_ref: ref, ...extra },
})

describe('PresenceRegistry', () => {
  it('groups a room by key, metas in tracking order, across replicas', () => {
    const r = new PresenceRegistry()
    r.add(entry('o:a', 'u1', 'r1', 'A', { s: 1 }))
    r.add(entry('o:a', 'u1', 'r2', 'B', { s: 2 }))
    r.add(entry('o:a', 'u2', 'r3', 'B'))
    r.add(entry('o:b', 'u9', 'r4', 'A'))
    expect(r.state('o:a')).toEqual({ u1: { metas: [{ phx_ref: 'r1', s: 1 }, { phx_ref: 'r2', s: 2 }] }, u2: { metas: [{ phx_ref: 'r3' }] } })
    expect(r.state('o:none')).toEqual({})
  })

  it('applies a diff and reports only what changed', () => {
    const r = new PresenceRegistry()
    r.add(entry('o:a', 'u1', 'r1', 'B'))
    const done = r.apply('o:a', 'B', {
      joins: { u2: { metas: [{ phx_ref: 'r2' }] }, u1: { metas: [{ phx_ref: 'r1' }] } },
      leaves: { u3: { metas: [{ phx_ref: 'gone' }] } },
    })
    expect(done).toEqual({ joins: { u2: { metas: [{ phx_ref: 'r2' }] } }, leaves: {} })
    expect(Object.keys(r.state('o:a'))).toEqual(['u1', 'u2'])
  })

  it("replaces a replica's part with the diff per room, and drops it", () => {
    const r = new PresenceRegistry()
    r.add(entry('o:a', 'u1', 'r1', 'B'))
    r.add(entry('o:a', 'u2', 'r2', 'B'))
    r.add(entry('o:a', 'mine', 'm1', 'A'))
    const diffs = r.replaceReplica('B', [entry('o:a', 'u2', 'r2', 'B'), entry('o:c', 'u3', 'r3', 'B')])
    expect(Object.fromEntries(diffs)).toEqual({
      'o:a': { joins: {}, leaves: { u1: { metas: [{ phx_ref: 'r1' }] } } },
      'o:c': { joins: { u3: { metas: [{ phx_ref: 'r3' }] } }, leaves: {} },
    })
    const dropped = r.dropReplica('B')
    expect(Object.fromEntries(dropped)).toEqual({
      'o:a': { joins: {}, leaves: { u2: { metas: [{ phx_ref: 'r2' }] } } },
      'o:c': { joins: {}, leaves: { u3: { metas: [{ phx_ref: 'r3' }] } } },
    })
    expect(r.state('o:a')).toEqual({ mine: { metas: [{ phx_ref: 'm1' }] } })
    expect(r.state('o:c')).toEqual({})
  })
})
