/**
 * The busy/idle switch of the loops that drain work out of Postgres when a NOTIFY says there is
 * some (the jobs outbox relay, the realtime sequencer). While work keeps coming, NOTIFY costs
 * every producer a serialization point at commit; so a loop that finds work turns busy: it takes
 * a session advisory lock on the process's LISTEN connection (producers test it and skip NOTIFY
 * while it is held, migrations 0008 and 0017) and polls every `pollMs` instead. After `idlePolls`
 * empty polls in a row it lets the lock go and runs once more (a producer that saw the lock held
 * may have committed just then). Losing the LISTEN connection loses the lock: `lost()` resets.
 */
import type { Listener } from './db/index.js'

export interface BusyPacerOptions {
  listener: Listener
  /** The session advisory lock producers test before they NOTIFY. */
  lock: number
  pollMs: number
  idlePolls: number
  /** Schedules a drain (the owner's SerialRunner.wake). */
  wake(): void
  /** Asks for one more drain after the current one (SerialRunner.runAgain). */
  runAgain(): void
  isClosed(): boolean
}

export class BusyPacer {
  /** Holding the lock: producers skip NOTIFY and the owner polls. */
  busy = false
  private emptyPolls = 0
  private poll: NodeJS.Timeout | undefined

  constructor(private readonly o: BusyPacerOptions) {}

  /** After a drain that moved `moved` rows: turn busy, stay, or go idle; schedule the next poll. */
  async pace(moved: number): Promise<void> {
    const { listener } = this.o
    if (this.o.isClosed() || !listener.isListening) return
    if (moved > 0) {
      this.emptyPolls = 0
      // Another process may be busy already (or a producer is testing the lock this instant):
      // then this one stays idle and is woken by NOTIFY or its sweep as before.
      if (!this.busy) this.busy = (await listener.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [this.o.lock])).rows[0]?.ok === true
    } else if (this.busy && ++this.emptyPolls >= this.o.idlePolls) {
      this.busy = false
      this.emptyPolls = 0
      await listener.query('select pg_advisory_unlock($1)', [this.o.lock])
      this.o.runAgain()
      return
    }
    if (this.busy && !this.poll) {
      this.poll = setTimeout(() => {
        this.poll = undefined
        this.o.wake()
      }, this.o.pollMs)
    }
  }

  /** The LISTEN connection was lost, and the lock with it. */
  lost(): void {
    this.busy = false
    this.emptyPolls = 0
  }

  /** Stops polling and lets the lock go (the LISTEN connection outlives the owner). */
  async stop(): Promise<void> {
    if (this.poll) clearTimeout(this.poll)
    this.poll = undefined
    if (!this.busy) return
    this.busy = false
    await this.o.listener.query('select pg_advisory_unlock($1)', [this.o.lock]).catch(() => undefined)
  }
}
