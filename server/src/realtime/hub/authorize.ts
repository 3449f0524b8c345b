/**
 * Private-channel authorisation: what the rules on `realtime.messages` let an identity do on a
 * topic, probed as Supabase Realtime probes it, in ONE transaction as the identity's role and
 * claims (withRequestRole) with `realtime.topic()` = the topic, always rolled back:
 *
 * - read: two probe rows (extension 'broadcast' and 'presence') are inserted past the rules (the
 *   transaction steps back to the session's own role, the table's owner, for that one insert and
 *   returns to the identity's role), then selected as the identity: a select rule that lets it
 *   see a row grants read for that extension;
 * - write: `realtime.floe_can_insert(extension)` tries the insert as the identity and undoes it:
 *   an insert rule that admits the row grants write.
 *
 * The service role bypasses RLS: every right, without a round trip.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { RequestRole, WithRequestRole } from '../../db/index.js'

export interface TopicRights {
  broadcastRead: boolean
  broadcastWrite: boolean
  presenceRead: boolean
  presenceWrite: boolean
}

export const ALL_RIGHTS: Readonly<TopicRights> = Object.freeze({ broadcastRead: true, broadcastWrite: true, presenceRead: true, presenceWrite: true })

interface ProbeRow {
  broadcast_read: boolean
  presence_read: boolean
  broadcast_write: boolean
  presence_write: boolean
}

export async function authorizeTopic(withRequestRole: WithRequestRole, identity: RequestRole, topic: string): Promise<TopicRights> {
  if (identity.role === 'service_role') return { ...ALL_RIGHTS }
  // Generated here, so they can be spliced into the one multi-statement message below.
  const broadcastId = randomUUID()
  const presenceId = randomUUID()
  return withRequestRole(
    identity,
    async (trx) => {
      await sql
        .raw(
          `select set_config('floe.realtime_probe_role', current_user, true);
           set local role none;
           insert into realtime.messages (id, topic, extension, private)
             values ('${broadcastId}', realtime.topic(), 'broadcast', true), ('${presenceId}', realtime.topic(), 'presence', true);
           select set_config('role', current_setting('floe.realtime_probe_role'), true)`,
        )
        .execute(trx)
      const { rows } = await sql<ProbeRow>`
        select exists (select 1 from realtime.messages where id = ${broadcastId}::uuid) as broadcast_read,
               exists (select 1 from realtime.messages where id = ${presenceId}::uuid) as presence_read,
               realtime.floe_can_insert('broadcast') as broadcast_write,
               realtime.floe_can_insert('presence') as presence_write`.execute(trx)
      const row = rows[0]
      return {
        broadcastRead: row?.broadcast_read === true,
        broadcastWrite: row?.broadcast_write === true,
        presenceRead: row?.presence_read === true,
        presenceWrite: row?.presence_write === true,
      }
    },
    { rollback: true, settings: { 'realtime.topic': topic } },
  )
}
