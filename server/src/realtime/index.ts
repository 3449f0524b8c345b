/**
 * Realtime: the Supabase Realtime protocol over WebSockets at /realtime/v1 (Phoenix channels:
 * postgres_changes, broadcast, presence), so supabase-js's `channel()` works unchanged.
 * socket/ and protocol/ speak the protocol (serializers, limits, identity and token swaps);
 * changes/ is the rule-checked change feed; hub/ carries broadcast and presence across replicas.
 * It does not authenticate: the upgrade is admitted by the HTTP pipeline and each join's token is
 * resolved through the IdentityResolver it is handed.
 */
export { createRealtime, type Realtime, type RealtimeDeps, type RealtimeSettings, type RealtimeStats } from './socket/create-realtime.js'
export type { RealtimeLimits } from './socket/connection.js'
export { realtimeRouter } from './router.js'
export { RealtimeError, type ChangeFeed, type Hub, type JobFeed, type BroadcastMessage, type PostgresChangesPayload } from './types.js'
