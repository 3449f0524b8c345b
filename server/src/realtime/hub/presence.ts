/**
 * Presence state of every room, as the union of what each replica tracks, and the diffs that
 * changing it makes, in the shapes realtime-js' RealtimePresence reads: state
 * `{ key: { metas: [{ phx_ref, ...meta }] } }` and diff `{ joins, leaves }` of the same shape.
 * Entries are keyed by `phx_ref` (unique per track); each remembers the replica that tracks it, so
 * a replica's whole part can be replaced (a state sync) or dropped (the replica died). Pure.
 */

export type PresenceMeta = Record<string, unknown> & { phx_ref: string }
export type PresenceMap = Record<string, { metas: PresenceMeta[] }>
export interface PresenceDiff {
  joins: PresenceMap
  leaves: PresenceMap
}

export interface PresenceEntry {
  room: string
  key: string
  replica: string
  meta: PresenceMeta
}

export function emptyDiff(): PresenceDiff {
  return { joins: {}, leaves: {} }
}

export function isEmptyDiff(diff: PresenceDiff): boolean {
  return Object.keys(diff.joins).length === 0 && Object.keys(diff.leaves).length === 0
}

export function addMeta(map: PresenceMap, key: string, meta: PresenceMeta): void {
  const at = map[key]
  if (at) at.metas.push(meta)
  else map[key] = { metas: [meta] }
}

export class PresenceRegistry {
  /** room → phx_ref → entry, in tracking order. */
  private readonly rooms = new Map<string, Map<string, PresenceEntry>>()

  add(entry: PresenceEntry): void {
    let room = this.rooms.get(entry.room)
    if (!room) this.rooms.set(entry.room, (room = new Map()))
    room.set(entry.meta.phx_ref, entry)
  }

  remove(room: string, ref: string): PresenceEntry | undefined {
    const at = this.rooms.get(room)
    const entry = at?.get(ref)
    if (!at || !entry) return undefined
    at.delete(ref)
    if (at.size === 0) this.rooms.delete(room)
    return entry
  }

  /** The room's state across every replica. */
  state(room: string): PresenceMap {
    const map: PresenceMap = {}
    for (const e of this.rooms.get(room)?.values() ?? []) addMeta(map, e.key, e.meta)
    return map
  }

  /** Applies a diff from `replica`; returns what actually changed (a leave of an unknown ref is no change). */
  apply(room: string, replica: string, diff: PresenceDiff): PresenceDiff {
    const done = emptyDiff()
    for (const [key, { metas }] of Object.entries(diff.leaves)) {
      for (const meta of metas) if (this.remove(room, meta.phx_ref)) addMeta(done.leaves, key, meta)
    }
    for (const [key, { metas }] of Object.entries(diff.joins)) {
      for (const meta of metas) {
        if (this.rooms.get(room)?.has(meta.phx_ref)) continue
        this.add({ room, key, replica, meta })
        addMeta(done.joins, key, meta)
      }
    }
    return done
  }

  /** Every entry `replica` tracks. */
  entriesOf(replica: string): PresenceEntry[] {
    const out: PresenceEntry[] = []
    for (const room of this.rooms.values()) for (const e of room.values()) if (e.replica === replica) out.push(e)
    return out
  }

  /** Makes `replica`'s part exactly `entries`; returns the diff per room. */
  replaceReplica(replica: string, entries: PresenceEntry[]): Map<string, PresenceDiff> {
    const diffs = new Map<string, PresenceDiff>()
    const diffOf = (room: string) => {
      let d = diffs.get(room)
      if (!d) diffs.set(room, (d = emptyDiff()))
      return d
    }
    const wanted = new Set(entries.map((e) => `${e.room}\u0000${e.meta.phx_ref}`))
    for (const e of this.entriesOf(replica)) {
      if (wanted.has(`${e.room}\u0000${e.meta.phx_ref}`)) continue
      this.remove(e.room, e.meta.phx_ref)
      addMeta(diffOf(e.room).leaves, e.key, e.meta)
    }
    for (const e of entries) {
      if (this.rooms.get(e.room)?.has(e.meta.phx_ref)) continue
      this.add({ ...e, replica })
      addMeta(diffOf(e.room).joins, e.key, e.meta)
    }
    return diffs
  }

  /** Forgets everything `replica` tracks (it left or died); returns the diff per room. */
  dropReplica(replica: string): Map<string, PresenceDiff> {
    return this.replaceReplica(replica, [])
  }
}
