/**
 * What replicas say to each other on the bus (Redis pub/sub or Postgres NOTIFY), as JSON text:
 *
 * - `b` a broadcast to a room (`p:<topic>` private, `o:<topic>` public); bytes travel in base64;
 * - `d` a presence diff made on replica `r`, its `v`-th presence change;
 * - `s` replica `r`'s whole presence state, as of its `v`-th change;
 * - `q` replica `r` asks for the state of replica `to`, or of every replica (it started, or its
 *   bus reconnected);
 * - `h` heartbeat: `r` is alive and at its `v`-th change (a receiver that missed one asks again);
 * - `x` replica `r` is closing: its presences leave now rather than after the timeout.
 *
 * Decoding validates the shape: Redis and Postgres are shared, and one bad message must not break
 * the fan-out of the others.
 */
import { z } from 'zod'
import type { PresenceMap, PresenceMeta } from './presence.js'

const Meta = z.looseObject({ phx_ref: z.string() })
const PresenceMapSchema = z.record(z.string(), z.object({ metas: z.array(Meta) }))

const BusMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('b'), r: z.string(), room: z.string(), event: z.string(), bin: z.boolean().optional(), payload: z.unknown() }),
  z.object({ t: z.literal('d'), r: z.string(), v: z.number(), room: z.string(), joins: PresenceMapSchema, leaves: PresenceMapSchema }),
  z.object({ t: z.literal('s'), r: z.string(), v: z.number(), entries: z.array(z.tuple([z.string(), z.string(), Meta])) }),
  z.object({ t: z.literal('q'), r: z.string(), to: z.string().optional() }),
  z.object({ t: z.literal('h'), r: z.string(), v: z.number() }),
  z.object({ t: z.literal('x'), r: z.string() }),
])

export type BusMessage = z.output<typeof BusMessageSchema>

/** The broadcast message with its payload already encoded (limits.ts encodePayload), spliced in unparsed. */
export function encodeBroadcast(replica: string, room: string, event: string, payloadJson: string, binary: boolean): string {
  return `{"t":"b","r":${JSON.stringify(replica)},"room":${JSON.stringify(room)},"event":${JSON.stringify(event)},${binary ? '"bin":true,' : ''}"payload":${payloadJson}}`
}

export function encodeDiff(replica: string, version: number, room: string, joins: PresenceMap, leaves: PresenceMap): string {
  return JSON.stringify({ t: 'd', r: replica, v: version, room, joins, leaves })
}

export function encodeState(replica: string, version: number, entries: [room: string, key: string, meta: PresenceMeta][]): string {
  return JSON.stringify({ t: 's', r: replica, v: version, entries })
}

export function encodeRequest(replica: string, to?: string): string {
  return JSON.stringify(to === undefined ? { t: 'q', r: replica } : { t: 'q', r: replica, to })
}

export function encodeBye(replica: string): string {
  return JSON.stringify({ t: 'x', r: replica })
}

export function encodeHeartbeat(replica: string, version: number): string {
  return JSON.stringify({ t: 'h', r: replica, v: version })
}

/** The message, or undefined for text that is not one (logged by the caller). */
export function decodeBusMessage(text: string): BusMessage | undefined {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = BusMessageSchema.safeParse(json)
  return parsed.success ? parsed.data : undefined
}
