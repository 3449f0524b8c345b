/**
 * The sequencer: gives committed changes their positions (realtime.sequence_changes), which then
 * NOTIFYs `floe_changes` so every replica's feed reads on. It runs in every process; the
 * function's transaction lock makes concurrent runs safe (positions still commit in increasing
 * order, with no gaps), so which replica sequences is only a matter of efficiency.
 *
 * When it wakes, as the outbox relay (jobs/relay.ts) does: an idle sequencer LISTENs
 * `floe_changes_capture` (sent by the capture triggers) on the process's shared LISTEN connection
 * and sweeps every `sweepMs`. Once it finds work it turns busy: it takes the session advisory lock
 * SEQUENCER_BUSY_LOCK on that connection, which tells the triggers to skip their NOTIFY (a NOTIFY
 * serializes the commits of notifying transactions, see migrations/0008), and polls every
 * `pollMs` instead. Only one replica holds the lock, so only one polls; the others stay idle
 * (no NOTIFY reaches them) and take over when its connection, and the lock with it, goes. After
 * `idlePolls` empty polls it lets the lock go and looks once more, so a change committed by a
 * producer that saw the lock held is picked up: later, never lost.
 *
 * It also applies the retention: every `pruneMs`, changes older than `retentionS` are deleted.
 */
import { BusyPacer } from '../../busy-pacer.js'
import { SerialRunner } from '../../serial-runner.js'
import type { Database, Unsubscribe } from '../../db/index.js'
import type { Logger } from '../../log.js'
import { pruneChanges, sequenceChanges, type QueryHook } from './queries.js'

/** migrations/0017_realtime_changes.sql */
export const SEQUENCER_BUSY_LOCK = 7_261_992_016
const BATCH = 1000
const PRUNE_LIMIT = 10_000

export interface SequencerDeps {
  database: Pick<Database, 'pool' | 'listener'>
  log: Logger
  retentionS: number
  pollMs: number
  sweepMs: number
  idlePolls: number
  pruneMs: number
  onQuery?: QueryHook | undefined
}

export class Sequencer {
  private unlisten: Unsubscribe | undefined
  private timers: NodeJS.Timeout[] = []
  private readonly runner = new SerialRunner(() => this.drain(), () => this.closed)
  private readonly pacer: BusyPacer
  private closed = false
  private pruning: Promise<void> | undefined

  constructor(private readonly deps: SequencerDeps) {
    this.pacer = new BusyPacer({
      listener: deps.database.listener,
      lock: SEQUENCER_BUSY_LOCK,
      pollMs: deps.pollMs,
      idlePolls: deps.idlePolls,
      wake: () => this.wake(),
      runAgain: () => this.runner.runAgain(),
      isClosed: () => this.closed,
    })
  }

  private get db() {
    return { pool: this.deps.database.pool, onQuery: this.deps.onQuery }
  }

  async start(): Promise<void> {
    const listener = this.deps.database.listener
    this.unlisten = await listener.listen('floe_changes_capture', () => this.wake(), {
      onMissed: () => this.wake(),
      onLost: () => this.pacer.lost(),
    })
    const sweep = setInterval(() => this.wake(), this.deps.sweepMs)
    const prune = setInterval(() => this.prune(), this.deps.pruneMs)
    sweep.unref()
    prune.unref()
    this.timers.push(sweep, prune)
    this.wake()
  }

  wake(): void {
    this.runner.wake()
  }

  private async drain(): Promise<void> {
    try {
      let moved = 0
      let n: number
      do {
        n = (await sequenceChanges(this.db, BATCH)).n
        moved += n
      } while (!this.closed && n === BATCH)
      await this.pacer.pace(moved)
    } catch (err) {
      this.deps.log.debug({ err }, 'realtime sequencer: batch not sequenced, will retry')
    }
  }

  /** Deletes what is past the retention, in slices, so sequencing never waits long on it. */
  prune(): Promise<void> {
    if (this.closed || this.pruning) return this.pruning ?? Promise.resolve()
    this.pruning = (async () => {
      try {
        while (!this.closed && (await pruneChanges(this.db, this.deps.retentionS, PRUNE_LIMIT)) === PRUNE_LIMIT);
      } catch (err) {
        this.deps.log.warn({ err }, 'realtime: pruning the change log failed; will retry')
      }
    })().finally(() => {
      this.pruning = undefined
    })
    return this.pruning
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    await this.runner.settled()
    await this.pruning
    await this.pacer.stop()
    await this.unlisten?.()
  }
}
