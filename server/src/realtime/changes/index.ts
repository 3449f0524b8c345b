/**
 * Realtime's change feed (postgres_changes): changes captured by triggers into `realtime.change_log`
 * (migrations 0017, 0023) for the tables an admin turned on, put in commit order by a sequencer
 * (positions in `realtime.positions`; `realtime.changes` joins the two), checked
 * against the tables' select rules in one round trip per batch for every subscriber group, and
 * delivered in position order, resumable from a position within the retention. It does not speak
 * the protocol (socket/ does) nor turn tables on (the admin API and realtime.enable_table do).
 */
export { createChangeFeed, type ChangeFeedOptions } from './feed.js'
