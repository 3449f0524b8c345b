/**
 * Realtime's change feed (postgres_changes): changes captured by triggers into `realtime.changes`
 * (migration 0017) for the tables an admin turned on, put in commit order by a sequencer, checked
 * against the tables' select rules in one round trip per batch for every subscriber group, and
 * delivered in position order, resumable from a position within the retention. It does not speak
 * the protocol (socket/ does) nor turn tables on (the admin API and realtime.enable_table do).
 */
export { createChangeFeed, type ChangeFeedOptions } from './feed.js'
