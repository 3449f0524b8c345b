/**
 * The hub's limits, pure: a broadcast's or a presence meta's size in bytes, and a per-member
 * messages-per-second window. Defaults follow Supabase Realtime's tenant defaults: a payload of at
 * most 3,000 KB (`max_payload_size_in_kb` 3000) and 100 events per second; and a payload's depth.
 */
import { RealtimeError, type BroadcastMessage } from '../types.js'

/** Supabase's default `max_payload_size_in_kb` (3000), in bytes. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 3_000_000
/** Supabase's default `max_events_per_second` (there per tenant; here per joined channel). */
export const DEFAULT_MAX_MESSAGES_PER_SECOND = 100

/** The bytes of a binary payload (Uint8Array, Buffer, ArrayBuffer), or undefined for anything else. */
export function payloadBytes(payload: unknown): Uint8Array | undefined {
  if (payload instanceof Uint8Array) return payload
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload)
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  return undefined
}

/**
 * How deeply a JSON payload (broadcast, presence meta) may nest. JSON.parse takes any depth, but
 * JSON.stringify overflows the stack a few thousand levels down, so a deeper payload could be
 * received and never sent on.
 */
export const MAX_PAYLOAD_DEPTH = 100

/** Whether `value` nests deeper than MAX_PAYLOAD_DEPTH (the walk itself stops there). */
export function nestsTooDeep(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false
  if (depth >= MAX_PAYLOAD_DEPTH) return true
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (nestsTooDeep(v, depth + 1)) return true
  return false
}

/** A payload's JSON text, or a RealtimeError naming the depth when it nests too deeply. */
export function payloadJson(value: unknown): string {
  if (nestsTooDeep(value)) throw new RealtimeError(`Payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels`)
  return JSON.stringify(value) ?? 'null'
}

/**
 * A message's payload as it travels between replicas: its JSON text, or its bytes in base64, and
 * its size in bytes (of the JSON text, or of the bytes). `undefined` is sent as `null`.
 */
export function encodePayload(message: BroadcastMessage): { json: string; size: number; binary: boolean } {
  if (message.binary) {
    const bytes = payloadBytes(message.payload) ?? new Uint8Array()
    return { json: JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')), size: bytes.byteLength, binary: true }
  }
  const json = payloadJson(message.payload)
  return { json, size: Buffer.byteLength(json), binary: false }
}

/**
 * At most `limit` events per window (1 s), counted from the window's first event: the client
 * rate limit Supabase applies to presence, here to every broadcast and presence event of a member.
 */
export class RateWindow {
  private start = 0
  private count = 0

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event; false when the window's limit is already reached. */
  take(): boolean {
    const t = this.now()
    if (t - this.start >= this.windowMs) {
      this.start = t
      this.count = 0
    }
    if (this.count >= this.limit) return false
    this.count++
    return true
  }
}
