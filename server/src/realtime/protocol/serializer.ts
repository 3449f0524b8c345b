/**
 * The wire formats of the Phoenix socket as Supabase Realtime speaks them, chosen per socket by
 * the `vsn` query parameter: 1.0.0 (a JSON object per frame) and 2.0.0 (a JSON array
 * `[join_ref, ref, topic, event, payload]`, plus binary frames for user broadcasts, as
 * realtime-js's lib/serializer.js and the server's RealtimeWeb.Socket.V2Serializer lay them out).
 * Pure: bytes in, messages out, and back. Shapes are checked with zod; a frame that is not a
 * message throws a MalformedFrame naming why.
 */
import { z } from 'zod'
import type { BroadcastMessage } from '../types.js'

/** One Phoenix message, decoded. */
export interface PhoenixMessage {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: unknown
}

export class MalformedFrame extends Error {
  override readonly name = 'MalformedFrame'
}

export interface Serializer {
  readonly vsn: '1.0.0' | '2.0.0'
  /** A frame from the client; throws MalformedFrame. */
  decode(data: Buffer, isBinary: boolean): PhoenixMessage
  /** Any message to the client, as text. */
  encode(message: PhoenixMessage): string
  /** A broadcast to the client, or undefined when this format cannot carry it (bytes under 1.0.0). */
  encodeBroadcast(topic: string, message: BroadcastMessage): string | Buffer | undefined
}

export const SERIALIZER_VERSIONS = ['1.0.0', '2.0.0'] as const

/** The serializer for a `vsn` (Phoenix's default when absent is 1.0.0), or undefined when unknown. */
export function serializerFor(vsn: string | null | undefined): Serializer | undefined {
  if (vsn === undefined || vsn === null || vsn === '' || vsn === '1.0.0') return V1
  if (vsn === '2.0.0') return V2
  return undefined
}

// Refs are strings in every Phoenix client; numbers are taken as their text.
const Ref = z.union([z.string().max(255), z.number().transform(String)]).nullish().transform((v) => v ?? null)
const Topic = z.string().max(1024)
const Event = z.string().min(1).max(255)
const Payload = z.record(z.string(), z.unknown())

const V1Frame = z.object({ topic: Topic, event: Event, payload: Payload, ref: Ref, join_ref: Ref })
const V2Frame = z.tuple([Ref, Ref, Topic, Event, Payload]).rest(z.unknown())

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'))
  } catch (err) {
    throw new MalformedFrame(`Invalid JSON: ${(err as Error).message}`)
  }
}

function issue(error: z.ZodError): string {
  const first = error.issues[0]
  return first ? `${first.path.join('.') || 'frame'}: ${first.message}` : 'invalid frame'
}

const broadcastPayload = (message: BroadcastMessage) => ({ type: 'broadcast', event: message.event, payload: message.payload })

const V1: Serializer = {
  vsn: '1.0.0',
  decode(data, isBinary) {
    if (isBinary) throw new MalformedFrame('Binary frames need vsn=2.0.0')
    const parsed = V1Frame.safeParse(parseJson(data))
    if (!parsed.success) throw new MalformedFrame(`Expected {topic, event, payload, ref, join_ref}: ${issue(parsed.error)}`)
    const f = parsed.data
    return { joinRef: f.join_ref, ref: f.ref, topic: f.topic, event: f.event, payload: f.payload }
  },
  encode: (m) => JSON.stringify({ topic: m.topic, event: m.event, payload: m.payload, ref: m.ref, join_ref: m.joinRef }),
  encodeBroadcast(topic, message) {
    // As Supabase: a 1.0.0 socket cannot represent bytes, so it does not get them.
    if (message.binary) return undefined
    return V1.encode({ joinRef: null, ref: null, topic, event: 'broadcast', payload: broadcastPayload(message) })
  },
}

// Binary frame kinds (RealtimeWeb.Socket.V2Serializer).
const USER_BROADCAST_PUSH = 3
const USER_BROADCAST = 4
const BINARY_ENCODING = 0
const JSON_ENCODING = 1

const V2: Serializer = {
  vsn: '2.0.0',
  decode(data, isBinary) {
    if (isBinary) return decodeUserBroadcastPush(data)
    const parsed = V2Frame.safeParse(parseJson(data))
    if (!parsed.success) throw new MalformedFrame(`Expected [join_ref, ref, topic, event, payload]: ${issue(parsed.error)}`)
    const [joinRef, ref, topic, event, payload] = parsed.data
    return { joinRef, ref, topic, event, payload }
  },
  encode: (m) => JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload]),
  encodeBroadcast(topic, message) {
    if (!message.binary) return V2.encode({ joinRef: null, ref: null, topic, event: 'broadcast', payload: broadcastPayload(message) })
    const bytes = toBytes(message.payload)
    const topicBytes = Buffer.from(topic, 'utf8')
    const eventBytes = Buffer.from(message.event, 'utf8')
    if (!bytes || topicBytes.length > 255 || eventBytes.length > 255) return undefined
    const header = Buffer.from([USER_BROADCAST, topicBytes.length, eventBytes.length, 0, BINARY_ENCODING])
    return Buffer.concat([header, topicBytes, eventBytes, bytes])
  },
}

function toBytes(payload: unknown): Uint8Array | undefined {
  if (payload instanceof Uint8Array) return payload
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload)
  return undefined
}

/**
 * realtime-js sends every `broadcast` push as kind 3: seven header bytes (kind, then the lengths
 * of join_ref, ref, topic, user event and metadata, then the payload encoding), those five
 * strings, then the user payload (JSON text, or raw bytes). It becomes the same message a JSON
 * push would be: event `broadcast`, payload `{type, event, payload}`; bytes stay bytes.
 */
function decodeUserBroadcastPush(data: Buffer): PhoenixMessage {
  if (data.length < 7) throw new MalformedFrame('Binary frame shorter than its header')
  const kind = data[0]
  if (kind !== USER_BROADCAST_PUSH) throw new MalformedFrame(`Unsupported binary frame kind ${kind}`)
  const sizes = [data[1]!, data[2]!, data[3]!, data[4]!, data[5]!]
  const encoding = data[6]
  if (encoding !== BINARY_ENCODING && encoding !== JSON_ENCODING) throw new MalformedFrame(`Unknown payload encoding ${encoding}`)
  let offset = 7
  const [joinRef, ref, topic, userEvent, metadata] = sizes.map((size) => {
    if (offset + size > data.length) throw new MalformedFrame('Binary frame shorter than its header says')
    const s = data.toString('utf8', offset, offset + size)
    offset += size
    return s
  }) as [string, string, string, string, string]
  if (userEvent.length === 0) throw new MalformedFrame('Broadcast without an event')
  const body = data.subarray(offset)
  let payload: unknown
  if (encoding === JSON_ENCODING) {
    try {
      payload = JSON.parse(body.toString('utf8'))
    } catch (err) {
      throw new MalformedFrame(`Invalid JSON broadcast payload: ${(err as Error).message}`)
    }
  } else {
    payload = Uint8Array.prototype.slice.call(body)
  }
  if (metadata.length > 0) {
    try {
      JSON.parse(metadata)
    } catch {
      throw new MalformedFrame('Invalid broadcast metadata')
    }
  }
  return {
    joinRef: joinRef || null,
    ref: ref || null,
    topic,
    event: 'broadcast',
    payload: { type: 'broadcast', event: userEvent, payload, ...(encoding === BINARY_ENCODING && { binary: true }) },
  }
}
