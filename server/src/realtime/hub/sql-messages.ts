/**
 * Broadcasts sent from SQL (`realtime.send`, or an insert into `realtime.messages`): the insert
 * trigger of migrations/0018 NOTIFYs `floe_realtime_messages` when the transaction commits, with
 * the message, or only its id when the message is too large for a NOTIFY (then it is read back).
 * Every replica listens and delivers to its own members, so each member gets it once. Messages
 * committed while this replica's LISTEN connection was down are not replayed.
 */
import { z } from 'zod'
import type { Database, Unsubscribe } from '../../db/index.js'
import type { Logger } from '../../log.js'
import type { BroadcastMessage } from '../types.js'
import { OrderedInbox } from './bus.js'

export const MESSAGES_CHANNEL = 'floe_realtime_messages'

const Notified = z.object({
  id: z.string(),
  topic: z.string().optional(),
  event: z.string().nullable().optional(),
  private: z.boolean().optional(),
  payload: z.unknown().optional(),
  binary: z.string().nullable().optional(),
})
type Notified = z.output<typeof Notified>

export interface SqlMessage {
  topic: string
  private: boolean
  message: BroadcastMessage
}

function toSqlMessage(n: Notified): SqlMessage | undefined {
  if (n.topic === undefined || n.event === undefined || n.event === null) return undefined
  const message: BroadcastMessage =
    typeof n.binary === 'string' ? { event: n.event, payload: Buffer.from(n.binary, 'base64'), binary: true } : { event: n.event, payload: n.payload ?? null }
  return { topic: n.topic, private: n.private ?? false, message }
}

export async function listenSqlMessages(database: Pick<Database, 'listener' | 'withOwner'>, log: Logger, deliver: (m: SqlMessage) => void): Promise<Unsubscribe> {
  const inbox = new OrderedInbox<SqlMessage>(deliver, (err) => log.warn({ err }, 'realtime: a message sent from SQL could not be delivered'))
  const read = (id: string) =>
    database.withOwner(
      'realtime: read a message sent from SQL, too large for NOTIFY',
      async ({ client }) => {
        const { rows } = await client.query<Notified>(
          `select id::text, topic, event, private, payload, encode(binary_payload, 'base64') as binary from realtime.messages where id = $1`,
          [id],
        )
        return rows[0] ? toSqlMessage(rows[0]) : undefined
      },
      { readOnly: true },
    )
  return database.listener.listen(MESSAGES_CHANNEL, (text) => {
    let parsed: z.ZodSafeParseResult<Notified>
    try {
      parsed = Notified.safeParse(JSON.parse(text))
    } catch {
      parsed = Notified.safeParse(undefined)
    }
    if (!parsed.success) return void log.warn({ text: text.slice(0, 200) }, 'realtime: unreadable notification on floe_realtime_messages')
    const n = parsed.data
    if (n.topic === undefined) inbox.push(undefined, () => read(n.id))
    else inbox.push(toSqlMessage(n))
  })
}
