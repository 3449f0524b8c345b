/**
 * The contracts between realtime's parts, so each can be built and tested on its own:
 *
 * - the socket side (socket/, protocol/): WebSocket connections speaking the Supabase Realtime
 *   protocol (Phoenix channels), identity and token swaps, limits; for each joined channel it makes
 *   a ChannelMember and hands it to
 * - the change feed (changes/): postgres_changes, captured by triggers into a change log,
 *   sequenced, checked against the select rules in batches inside Postgres, resumable; and
 * - the hub (hub/): broadcast and presence, private-channel authorisation on `realtime.messages`,
 *   fan-out across replicas (Redis pub/sub, or Postgres without Redis).
 *
 * The socket side owns (de)serialisation: the feed and the hub deal in decoded payloads only.
 */
import type { RequestRole } from '../db/index.js'

/** A refusal shown to the client as the reply's `reason` (phx_reply error, or a `system` error). */
export class RealtimeError extends Error {
  override readonly name = 'RealtimeError'
}

// ---------------------------------------------------------------------------------------------
// Change feed (postgres_changes)

/** One `config.postgres_changes` entry of a `phx_join`, as the client sent it (the feed validates it). */
export interface ChangeSpecInput {
  event: string
  schema: string
  table?: string | undefined
  /** PostgREST-like `column=op.value`; ops eq neq lt lte gt gte in (`in.(a,b)`). */
  filter?: string | undefined
}

/** The `payload` of one `postgres_changes` message, shaped as Supabase Realtime sends it. */
export interface PostgresChangesPayload {
  /** The server ids (from ChangeSubscription.ids) of this channel's specs that the change matched. */
  ids: number[]
  data: {
    schema: string
    table: string
    /** ISO 8601, UTC. */
    commit_timestamp: string
    type: 'INSERT' | 'UPDATE' | 'DELETE'
    /** The table's columns the subscriber may select: name and Postgres type name. */
    columns: { name: string; type: string }[]
    /** INSERT and UPDATE: the new row (only the columns above). */
    record?: Record<string, unknown>
    /** UPDATE and DELETE: the old row; for a DELETE or a row moving out of sight, the primary key only. */
    old_record?: Record<string, unknown>
    errors: string[] | null
    /** Floe: this change's position in the log, for a rejoin with `config.floe.since`. */
    position: string
  }
}

/** One joined channel's side of the feed. */
export interface ChangeSubscriber {
  /** The channel's identity now (an `access_token` message may change it between two changes). */
  identity(): RequestRole
  /** One change this subscriber may see, in position order, never twice. */
  deliver(payload: PostgresChangesPayload): void
}

export interface ChangeSubscription {
  /** A server id per spec, in the order of the specs (the `postgres_changes` list of the join reply). */
  readonly ids: number[]
  /** Set when `since` was older than the retained log: changes may have been missed. */
  readonly gap: boolean
  unsubscribe(): void
}

export interface ChangeFeedStats {
  subscribers: number
  /** The last position this process has delivered up to. */
  position: string | null
  /** Changes captured but not yet delivered by this process. */
  lag: number
}

export interface ChangeFeed {
  /**
   * Validates the specs (unknown schema or table, a table not turned on for realtime, a bad
   * filter, a table the identity may not select: rejects with a RealtimeError naming it),
   * registers them and resolves with their ids. With `since`: first the retained changes after
   * that position (checked against the rules as live ones are), then live ones, in order, none
   * twice.
   */
  subscribe(subscriber: ChangeSubscriber, specs: ChangeSpecInput[], options?: { since?: string | undefined }): Promise<ChangeSubscription>
  stats(): ChangeFeedStats
  close(): Promise<void>
}

// ---------------------------------------------------------------------------------------------
// Job feed (Floe's extension: a channel joined with `floe.job = { queue, id }`)

/**
 * A job's events for a channel: `watch` rejects when the identity may not read the job (its
 * enqueuer and the service role may), else sends the job (as `GET /jobs/v1/<queue>/<id>` shows
 * it) at once and after each change of state or progress, until the returned stop is called.
 */
export interface JobFeed {
  watch(identity: RequestRole, queue: string, id: string, onJob: (job: unknown) => void): Promise<() => void>
}

// ---------------------------------------------------------------------------------------------
// Hub (broadcast, presence, private channels)

/** A broadcast as it travels: `event` and a JSON payload, or bytes (serializer 2.0.0's binary frames). */
export interface BroadcastMessage {
  event: string
  payload: unknown
  /** The payload is bytes (sent and received as a binary frame under serializer 2.0.0). */
  binary?: boolean | undefined
}

/** One joined channel on one socket, as the socket side hands it to the hub. */
export interface ChannelMember {
  /** Unique per process and join. */
  readonly id: string
  /** The topic without its `realtime:` prefix, e.g. `room:1`. */
  readonly topic: string
  readonly private: boolean
  identity(): RequestRole
  /** Sends a `broadcast` to this client. */
  sendBroadcast(message: BroadcastMessage): void
  /** Sends `presence_state` / `presence_diff` to this client. */
  sendPresence(event: 'presence_state' | 'presence_diff', payload: unknown): void
}

/** What a member may do on a private channel (every right is true on a public one). */
export interface ChannelRights {
  read: boolean
  write: boolean
}

export interface JoinOptions {
  broadcast: { self: boolean; ack: boolean }
  presence: { enabled: boolean; key: string }
}

export interface Hub {
  /**
   * Joins a member: on a private channel first authorised by the select/insert rules on
   * `realtime.messages` for the member's identity (rejects with a RealtimeError when it may not
   * read). Sends the presence state when presence is enabled.
   */
  join(member: ChannelMember, options: JoinOptions): Promise<ChannelRights>
  /** To every member of the topic on every replica (the sender too when `self`); rejects without the right. */
  broadcast(member: ChannelMember, message: BroadcastMessage): Promise<void>
  /** From outside a channel (POST /api/broadcast, `realtime.send` in SQL), already authorised. */
  broadcastFrom(topic: string, message: BroadcastMessage, options: { private: boolean }): Promise<void>
  track(member: ChannelMember, meta: Record<string, unknown>): Promise<void>
  untrack(member: ChannelMember): Promise<void>
  leave(member: ChannelMember): Promise<void>
  stats(): { topics: number; members: number; bus: 'redis' | 'postgres' }
  close(): Promise<void>
}
