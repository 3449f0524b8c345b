/**
 * Realtime test helpers: a raw WebSocket client speaking the Phoenix frames by hand (both
 * serializers, the binary broadcast frames), for malformed input and exact replies; the owner-only
 * `notes` table the end-to-end tests share; and the waits they share.
 */
import type { RealtimeChannel } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'

/**
 * `public.notes`, readable and writable by its owner only, with realtime on; `extra` SQL runs in
 * the same batch.
 */
export async function createNotesTable(url: string, extra = ''): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(`
      create table notes (id bigserial primary key, owner_id uuid not null, body text not null);
      alter table notes enable row level security;
      create policy own_read on notes for select to authenticated using (owner_id = auth.uid());
      create policy own_write on notes for insert to authenticated with check (owner_id = auth.uid());
      grant select, insert on notes to authenticated;
      grant usage on sequence notes_id_seq to authenticated;
      select realtime.enable_table('public.notes');
      ${extra}`)
  } finally {
    await c.end()
  }
}

/** supabase-js's subscribe as a promise: resolves on SUBSCRIBED, rejects on an error or timeout. */
export function subscribed(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve(channel)
      else if (status !== 'CLOSED') reject(err ?? new Error(status))
    })
  })
}

export interface Frame {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: any
  /** A binary broadcast (kind 4): the payload's `payload` is the bytes. */
  binary?: boolean
}

export async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A Phoenix client by hand: `send` encodes as the socket's vsn; every frame received is kept in `frames`. */
export class RawClient {
  readonly frames: Frame[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private ref = 0

  private constructor(
    readonly ws: WebSocket,
    readonly vsn: '1.0.0' | '2.0.0',
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    ws.on('message', (data, isBinary) => this.frames.push(decode(data as Buffer, isBinary, vsn)))
    ws.on('error', () => undefined)
  }

  static open(origin: string, options: { vsn?: '1.0.0' | '2.0.0'; apikey?: string; query?: string; autoPong?: boolean; headers?: Record<string, string> } = {}): Promise<RawClient> {
    const vsn = options.vsn ?? '2.0.0'
    const query = options.query ?? `apikey=${options.apikey}&vsn=${vsn}`
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/realtime/v1/websocket?${query}`, { autoPong: options.autoPong ?? true, headers: options.headers ?? {} })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawClient(ws, vsn)))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })))
      })
      ws.once('error', reject)
    })
  }

  nextRef(): string {
    return String(++this.ref)
  }

  /** Sends a message; returns its ref. */
  send(topic: string, event: string, payload: unknown, refs: { ref?: string | null; joinRef?: string | null } = {}): string {
    const ref = refs.ref === undefined ? this.nextRef() : refs.ref
    const joinRef = refs.joinRef ?? null
    const text = this.vsn === '2.0.0' ? JSON.stringify([joinRef, ref, topic, event, payload]) : JSON.stringify({ topic, event, payload, ref, join_ref: joinRef })
    this.ws.send(text)
    return ref ?? ''
  }

  join(topic: string, payload: Record<string, unknown> = { config: {} }): string {
    const ref = this.nextRef()
    return this.send(`realtime:${topic}`, 'phx_join', payload, { ref, joinRef: ref })
  }

  /** The first frame (from the start) that matches, waiting for it. */
  async next(match: (f: Frame) => boolean, ms = 3000): Promise<Frame> {
    let found: Frame | undefined
    await until('a matching frame', () => (found = this.frames.find(match)) !== undefined, ms)
    return found!
  }

  reply(ref: string, ms?: number): Promise<Frame> {
    return this.next((f) => f.event === 'phx_reply' && f.ref === ref, ms)
  }

  close(): void {
    this.ws.terminate()
  }
}

/** realtime-js's kind-3 frame: a user broadcast push, JSON (encoding 1) or bytes (0). */
export function userBroadcastPush(o: { joinRef: string; ref: string; topic: string; event: string; payload: unknown; binary?: boolean }): Buffer {
  const body = o.binary ? Buffer.from(o.payload as Uint8Array) : Buffer.from(JSON.stringify(o.payload))
  const strings = [o.joinRef, o.ref, o.topic, o.event, ''].map((s) => Buffer.from(s))
  const header = Buffer.from([3, ...strings.map((s) => s.length), o.binary ? 0 : 1])
  return Buffer.concat([header, ...strings, body])
}

function decode(data: Buffer, isBinary: boolean, vsn: string): Frame {
  if (isBinary) {
    const kind = data[0]
    if (kind !== 4) throw new Error(`unexpected binary frame kind ${kind}`)
    const [topicSize, eventSize, metaSize, encoding] = [data[1]!, data[2]!, data[3]!, data[4]!]
    let o = 5
    const topic = data.toString('utf8', o, (o += topicSize))
    const event = data.toString('utf8', o, (o += eventSize))
    o += metaSize
    const body = data.subarray(o)
    const payload = encoding === 1 ? JSON.parse(body.toString()) : new Uint8Array(body)
    return { joinRef: null, ref: null, topic, event: 'broadcast', payload: { type: 'broadcast', event, payload }, binary: encoding === 0 }
  }
  const parsed = JSON.parse(data.toString())
  if (vsn === '2.0.0') {
    const [joinRef, ref, topic, event, payload] = parsed
    return { joinRef, ref, topic, event, payload }
  }
  return { joinRef: parsed.join_ref, ref: parsed.ref, topic: parsed.topic, event: parsed.event, payload: parsed.payload }
}
