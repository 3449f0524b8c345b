/**
 * Broadcast from a server, as Supabase Realtime serves it (realtime-js' `send()` falls back to it
 * when the channel is not joined; `httpSend()` uses the single-message form):
 *
 * - `POST /api/broadcast` `{ messages: [{ topic, event, payload, private? }] }`;
 * - `POST /api/broadcast/{topic}/events/{event}[?private=true]`, the body being the payload
 *   (JSON, or `application/octet-stream` bytes sent as a binary broadcast).
 *
 * 202 once the messages are handed to the hub. The caller is the apikey's, or the bearer token's,
 * identity: a message to a private topic needs the insert right on `realtime.messages` for that
 * topic (the rules, probed as at a join); the service role may send anything. Unlike Supabase,
 * which answers 202 and silently drops the private messages it may not send, a batch with one is
 * refused whole with 403 naming the topic, and nothing of it is sent; an oversized payload is a
 * 413 for the whole batch too.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { RequestRole } from '../../db/index.js'
import { ApiError } from '../../errors/index.js'
import { errorResponses, requireIdentity, type Router } from '../../http/index.js'
import { MAX_PAYLOAD_DEPTH, nestsTooDeep, type TopicRights } from '../hub/index.js'
import type { BroadcastMessage, Hub } from '../types.js'

/** What the routes need of the hub (createHub's RealtimeHub has it all). */
export type BroadcastApiHub = Pick<Hub, 'broadcastFrom'> & {
  authorize(identity: RequestRole, topic: string): Promise<TopicRights>
  readonly maxPayloadBytes: number
}

const Topic = z.string().min(1).max(255).openapi({ example: 'room:1' })
const Event = z.string().min(1).max(255).openapi({ example: 'cursor-pos' })

const BroadcastBody = z
  .object({
    messages: z
      .array(
        z.object({
          topic: Topic,
          event: Event,
          payload: z.record(z.string(), z.unknown()).openapi({ example: { x: 1, y: 2 } }),
          private: z.boolean().default(false),
          id: z.string().max(255).optional(),
        }),
      )
      .min(1)
      .max(1000),
  })
  .openapi('RealtimeBroadcastBody')

const broadcastRoute = createRoute({
  method: 'post',
  path: '/api/broadcast',
  operationId: 'realtime.broadcast',
  tags: ['Realtime'],
  summary: 'Broadcast messages to channels, as Supabase Realtime',
  request: { body: { required: true, content: { 'application/json': { schema: BroadcastBody } } } },
  responses: {
    202: { description: 'Sent to the channels' },
    ...errorResponses(400, 401, 403, 413),
  },
})

const broadcastOneRoute = createRoute({
  method: 'post',
  path: '/api/broadcast/{topic}/events/{event}',
  operationId: 'realtime.broadcastOne',
  tags: ['Realtime'],
  summary: 'Broadcast one message; the body is the payload (JSON, or bytes as a binary broadcast)',
  request: {
    params: z.object({ topic: Topic, event: Event }),
    query: z.object({ private: z.enum(['true', 'false']).optional() }),
    body: {
      required: false,
      content: {
        'application/json': { schema: z.unknown().openapi({ example: { text: 'hello' } }) },
        'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
  },
  responses: {
    202: { description: 'Sent to the channel' },
    ...errorResponses(400, 401, 403, 413, 415),
  },
})

interface Outgoing {
  topic: string
  private: boolean
  message: BroadcastMessage
  /** Its size in bytes, computed once the depth is known to be safe. */
  size(): number
}

/** Checks every message (size, then the right on each private topic) before any is sent. */
async function send(hub: BroadcastApiHub, identity: RequestRole, messages: Outgoing[]): Promise<void> {
  const deep = messages.find((m) => !m.message.binary && nestsTooDeep(m.message.payload))
  if (deep) throw new ApiError('INVALID_INPUT', { details: `A payload to ${deep.topic} nests deeper than ${MAX_PAYLOAD_DEPTH} levels` })
  const sizes = messages.map((m) => m.size())
  const i = sizes.findIndex((size) => size > hub.maxPayloadBytes)
  if (i >= 0) throw new ApiError('PAYLOAD_TOO_LARGE', { details: `A payload to ${messages[i]!.topic} is ${sizes[i]} bytes; at most ${hub.maxPayloadBytes}` })
  const privateTopics = new Set(messages.filter((m) => m.private).map((m) => m.topic))
  for (const topic of privateTopics) {
    const rights = await hub.authorize(identity, topic).catch(() => undefined)
    if (!rights?.broadcastWrite) {
      throw new ApiError('FORBIDDEN', {
        message: `You do not have permissions to write to this Channel topic: ${topic}`,
        hint: 'Sending to a private channel needs an insert rule on realtime.messages for this topic (realtime.topic())',
      })
    }
  }
  for (const m of messages) await hub.broadcastFrom(m.topic, m.message, { private: m.private })
}

export function registerBroadcastApi(router: Router, hub: BroadcastApiHub): void {
  router.openapi(broadcastRoute, async (c) => {
    const { messages } = c.req.valid('json')
    await send(
      hub,
      requireIdentity(c),
      messages.map((m) => ({ topic: m.topic, private: m.private, message: { event: m.event, payload: m.payload }, size: () => Buffer.byteLength(JSON.stringify(m.payload)) })),
    )
    return c.body(null, 202)
  })

  router.openapi(broadcastOneRoute, async (c) => {
    const { topic, event } = c.req.valid('param')
    const isPrivate = c.req.valid('query').private === 'true'
    const binary = /^application\/octet-stream\b/i.test(c.req.header('content-type') ?? '')
    const payload = binary ? new Uint8Array(await c.req.arrayBuffer()) : c.req.valid('json')
    if (!binary && payload === undefined) throw new ApiError('INVALID_INPUT', { details: 'The body (the payload) is required' })
    const size = () => (payload instanceof Uint8Array ? payload.byteLength : Buffer.byteLength(JSON.stringify(payload)))
    await send(hub, requireIdentity(c), [{ topic, private: isPrivate, message: binary ? { event, payload, binary } : { event, payload }, size }])
    return c.body(null, 202)
  })
}
