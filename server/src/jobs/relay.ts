/**
 * The outbox relay: moves committed `floe.outbox` rows into BullMQ. A batch is taken (deleted)
 * with FOR UPDATE SKIP LOCKED, so relays on several replicas take disjoint rows, added to BullMQ
 * with the job id `o-<outbox id>` (or the idempotency key's id), and the transaction commits only
 * after BullMQ accepted it (migrations/0011). A failed add rolls the delete back; a crash between
 * the add and the COMMIT does too, and the next relay adds the rows again under the same ids,
 * which BullMQ ignores, so the job still exists exactly once.
 *
 * When it wakes: an idle relay LISTENs (NOTIFY floe_outbox, sent by the outbox's statement
 * trigger) on the process's shared LISTEN connection and sweeps every `sweepMs`. Once it finds
 * work it turns busy: it takes the session advisory lock BUSY_LOCK on that LISTEN connection
 * (listener.query), which tells the trigger to skip the NOTIFY (a NOTIFY serializes the commits
 * of every notifying transaction, see migrations/0008), and polls every `busyPollMs` instead.
 * After `busyIdlePolls` empty polls it lets the lock go and looks once more. A producer that saw
 * the lock held but commits after that last look is picked up by the next NOTIFY or sweep:
 * later, never lost. The lock goes with the connection when it drops (onLost: idle again, and
 * producers notify again); after the reconnect the relay sweeps (onMissed) and takes the lock
 * again once it finds work. One relay per process: the lock is re-entrant within the session.
 */
import { BusyPacer } from '../busy-pacer.js'
import { SerialRunner } from '../serial-runner.js'
import type { Database, Listener, Unsubscribe } from '../db/index.js'
import type { Logger } from '../log.js'
import { jobOptions, type Bull } from './bull.js'
import type { Declarations } from './declarations.js'
import { idempotentJobId } from './job-id.js'
import { hasWaitingOutbox, takeOutboxBatch, type OutboxRow } from './queries.js'
import type { JobData } from './types.js'

/** The session advisory lock of a busy relay (migrations/0008_outbox_notify_gate.sql). */
export const BUSY_LOCK = 7_261_992_003
/** 20,000 queued rows moved by one relay with its workers in the same process (2 cores): 1 lane
 *  ~2,600-4,300 jobs/s end to end, 3 lanes ~3,100-5,200 (paired runs on a 20,000-row backlog). */
const RELAY_LANES = 3

export interface RelayDeps {
  database: Pick<Database, 'pool' | 'withOwner' | 'listener'>
  bull: Bull
  declarations: Declarations
  log: Logger
  batchSize: number
  sweepMs: number
  retentionS: number
  /** While busy, how often the relay polls instead of waiting for NOTIFY. */
  busyPollMs?: number
  /** Empty polls in a row after which a busy relay goes back to LISTEN. */
  busyIdlePolls?: number
}

export class Relay {
  private unlisten: Unsubscribe | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly runner = new SerialRunner(() => this.drain(), () => this.closed)
  private closed = false
  /** Holding BUSY_LOCK on the LISTEN connection: producers skip NOTIFY, this relay polls. */
  private readonly pacer: BusyPacer
  /** Rows moved since start, for tests and the bench. */
  moved = 0

  /** Batches moved at once: RELAY_LANES, leaving the handlers two pool connections. */
  private readonly lanes: number
  private readonly listener: Listener

  constructor(private readonly deps: RelayDeps) {
    this.lanes = Math.max(1, Math.min(RELAY_LANES, (deps.database.pool.options.max ?? 10) - 2))
    this.listener = deps.database.listener
    this.pacer = new BusyPacer({
      listener: this.listener,
      lock: BUSY_LOCK,
      pollMs: deps.busyPollMs ?? 10,
      idlePolls: deps.busyIdlePolls ?? 50,
      wake: () => this.wake(),
      runAgain: () => this.runner.runAgain(),
      isClosed: () => this.closed,
    })
  }

  async start(): Promise<void> {
    this.unlisten = await this.listener.listen('floe_outbox', () => this.wake(), {
      // Rows committed while nobody listened: the sweep finds them.
      onMissed: () => this.wake(),
      // The lock went with the connection: producers notify again; until LISTEN holds again,
      // the sweep finds their rows.
      onLost: () => this.pacer.lost(),
    })
    this.timer = setInterval(() => this.wake(), this.deps.sweepMs)
    this.timer.unref()
    this.wake()
  }

  /** Coalesces wake-ups: one drain at a time, and one more if woken while draining. */
  wake(): void {
    this.runner.wake()
  }

  private async drain(): Promise<void> {
    if (!this.deps.bull.isAvailable()) return // rows wait in Postgres; the sweep retries
    try {
      // A busy relay first asks whether there is anything at all: one cheap query per empty poll.
      const moved = !this.pacer.busy || (await hasWaitingOutbox(this.deps.database.pool)) ? await this.moveAll() : 0
      await this.pacer.pace(moved)
    } catch (err) {
      this.deps.log.debug({ err }, 'jobs relay: batch not moved, will retry')
    }
  }

  /**
   * Moves batches until one comes back short, in parallel lanes (SKIP LOCKED gives each its own
   * rows): a batch spends most of its time waiting on Redis and Postgres, not on this CPU.
   */
  private async moveAll(): Promise<number> {
    let moved = 0
    const lane = async () => {
      let n: number
      do {
        n = await this.moveBatch()
        moved += n
      } while (!this.closed && n === this.deps.batchSize)
    }
    // Settled, not raced: a failing lane must not leave the others running past this drain.
    const failed = (await Promise.allSettled(Array.from({ length: this.lanes }, lane))).find((r) => r.status === 'rejected')
    if (failed) throw failed.reason
    return moved
  }

  /** The COMMIT comes only after BullMQ accepted the rows (see the header). */
  private async moveBatch(): Promise<number> {
    const n = await this.deps.database.withOwner('jobs relay: move an outbox batch', async ({ client }) => {
      const rows = await takeOutboxBatch(client, this.deps.batchSize)
      if (rows.length > 0) await this.addToBull(rows)
      return rows.length
    })
    this.moved += n
    return n
  }

  private async addToBull(rows: OutboxRow[]): Promise<void> {
    const byQueue = new Map<string, OutboxRow[]>()
    for (const r of rows) {
      const list = byQueue.get(r.queue)
      if (list) list.push(r)
      else byQueue.set(r.queue, [r])
    }
    await Promise.all(
      [...byQueue].map(async ([queue, list]) => {
        const decl = this.deps.declarations.get(queue)
        // A queue deleted after the row was written: the job still goes to BullMQ with defaults
        // and waits there, visible to admins, rather than being dropped silently.
        const base = decl ? jobOptions(decl, this.deps.retentionS) : { removeOnComplete: { age: this.deps.retentionS } }
        await this.deps.bull.queue(queue).addBulk(
          list.map((r) => {
            const o = r.options
            const data: JobData = { payload: r.payload, by: { role: r.enqueued_role ?? 'none', sub: r.enqueued_sub } }
            const key = typeof o.idempotency_key === 'string' ? o.idempotency_key : undefined
            return {
              name: queue,
              data,
              opts: {
                ...base,
                // floe.enqueue names a keyed row's job itself; a row written before it did, or
                // straight into the table, gets the same id here.
                jobId: r.job_id ?? (key ? idempotentJobId(data.by, key) : `o-${r.id}`),
                ...(typeof o.delay_ms === 'number' ? { delay: o.delay_ms } : {}),
                ...(typeof o.priority === 'number' ? { priority: o.priority } : {}),
              },
            }
          }),
        )
      }),
    )
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    await this.runner.settled()
    // The LISTEN connection outlives this relay: let the lock go, or producers would skip NOTIFY
    // for a relay that is gone (if the connection is down, the lock went with it).
    await this.pacer.stop()
    await this.unlisten?.()
  }
}
