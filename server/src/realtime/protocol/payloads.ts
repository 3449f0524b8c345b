/**
 * The payloads a client may push on a channel (`phx_join`, `broadcast`, `presence`,
 * `access_token`), checked with zod as Supabase Realtime reads them: booleans may come as
 * "true"/"false" strings (its FlexibleBoolean), unknown keys are ignored, and the
 * `postgres_changes` entries are kept exactly as sent, because the join reply echoes them and
 * realtime-js compares the echo with what it sent.
 */
import { z } from 'zod'

const FlexibleBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])

/** One `config.postgres_changes` entry; the raw object is echoed back with its id. */
export const PostgresChangeSpec = z.looseObject({
  event: z.string().min(1).max(32),
  schema: z.string().min(1).max(128),
  table: z.string().min(1).max(128).nullish(),
  filter: z.string().max(4096).nullish(),
})

/**
 * Floe's extension of a join (ignored by other servers): `since` resumes the change feed after a
 * position; `job` makes the channel a job's feed (`job` broadcasts with the job's state).
 */
const FloeJoin = z
  .looseObject({
    since: z.string().min(1).max(64).nullish(),
    job: z.object({ queue: z.string().min(1).max(128), id: z.string().min(1).max(256) }).nullish(),
  })
  .nullish()

export const JoinPayload = z.looseObject({
  config: z
    .looseObject({
      broadcast: z.looseObject({ self: FlexibleBoolean.nullish(), ack: FlexibleBoolean.nullish() }).nullish(),
      presence: z.looseObject({ key: z.union([z.string().max(1024), z.number().transform(String)]).nullish(), enabled: FlexibleBoolean.nullish() }).nullish(),
      postgres_changes: z.array(z.unknown()).max(100, 'at most 100 postgres_changes entries').nullish(),
      private: FlexibleBoolean.nullish(),
      floe: FloeJoin,
    })
    .nullish(),
  /**
   * The same Floe extension beside `config`: realtime-js rebuilds `config` from its four known
   * keys at subscribe, so an app passes the position with `channel.updateJoinPayload({ floe })`,
   * which also holds for the automatic rejoins.
   */
  floe: FloeJoin,
  access_token: z.string().max(16_384).nullish(),
  /** An older name realtime-js sent the token under. */
  user_token: z.string().max(16_384).nullish(),
})
export type JoinPayload = z.infer<typeof JoinPayload>

export const BroadcastPush = z.looseObject({
  type: z.literal('broadcast').optional(),
  event: z.string().min(1).max(255),
  payload: z.unknown().optional(),
  binary: z.literal(true).optional(),
})

export const PresencePush = z.looseObject({
  type: z.literal('presence').optional(),
  event: z.enum(['track', 'untrack']),
  payload: z.unknown().optional(),
})

export const AccessTokenPush = z.looseObject({ access_token: z.string().max(16_384).nullish() })

/** The first problem zod found, as one line for a reply's reason. */
export function firstIssue(error: z.ZodError): string {
  const first = error.issues[0]
  return first ? `${first.path.join('.') || 'payload'}: ${first.message}` : 'invalid payload'
}
