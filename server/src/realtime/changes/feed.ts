/**
 * The change feed of one process: subscribers, the read loop, delivery.
 *
 * Every process reads the whole sequenced log after its `head` (the last position it has dealt
 * with), woken by the sequencer's NOTIFY `floe_changes` (payload: the last position sequenced) or
 * a sweep, and checks each batch for the subscribers it holds: one realtime.check_changes call
 * per batch evaluates every group (role + claims) in Postgres. So a change is checked and
 * delivered once per subscriber, on the process holding that subscriber, whichever captured it.
 *
 * Resume. A subscriber with `since` starts "catching up" with its own cursor: the loop checks
 * (cursor, head] for it alone, batch by batch, and only once its cursor reaches `head` does it
 * join the live subscribers, between two iterations of the same loop. Live batches cover only
 * positions after `head`, so catch-up and live delivery never overlap and leave no hole.
 *
 * A batch whose check fails (a policy that raises for some claims, say) is checked again group by
 * group; a group that still fails gets nothing of that batch (fail closed) and a warning.
 * Delivery calls `deliver` synchronously, in position order; a subscriber that throws is logged
 * and skipped, never holding up the others.
 */
import { SerialRunner } from '../../serial-runner.js'
import { uidSetting, type Database, type RequestRole, type Unsubscribe } from '../../db/index.js'
import type { Logger } from '../../log.js'
import { RealtimeError, type ChangeFeed, type ChangeFeedStats, type ChangeSpecInput, type ChangeSubscriber, type ChangeSubscription } from '../types.js'
import { payloadFor } from './payload.js'
import { checkChanges, checkSpecs, headPosition, viewKey, type CheckResult, type Db, type GroupInput, type QueryHook, type UnitInput } from './queries.js'
import { Sequencer } from './sequencer.js'
import { parseSpecs, type ChangeSpec } from './specs.js'

export interface ChangeFeedOptions {
  database: Database
  log: Logger
  /** REALTIME_RETENTION_S: how long changes are kept for a resume. */
  retentionS: number
  /**
   * How often a busy sequencer polls (default 25 ms). Each pass is a transaction with its own
   * commit; fewer, larger passes leave more of Postgres to the writers (pgbench, 16 writers into a
   * realtime table: 9.6-10.3k inserts/s polling every 25 ms against 8.8-9.7k every 10 ms) for
   * ~8 ms more delivery latency on average. bench/README.md has the numbers.
   */
  batchMs?: number | undefined
  /** Changes per batch (default 500). */
  batchSize?: number | undefined
  /** How often the feed and the sequencer look without a NOTIFY (default 2,000 ms). */
  sweepMs?: number | undefined
  /** Called with a name before each query the feed runs (tests count round trips). */
  onQuery?: QueryHook | undefined
}

interface Sub {
  subscriber: ChangeSubscriber
  specs: ChangeSpec[]
  ids: number[]
  /** The last position dealt with for this subscriber while catching up. */
  cursor: bigint
  closed: boolean
}

/** A subscriber's group in one batch, and the batch's unit of each of its specs. */
interface Grouped {
  g: number
  units: number[]
}

/** The subscribers of one batch grouped by identity, as sent to the check. */
interface Grouping {
  groups: GroupInput[]
  units: UnitInput[]
  groupOf: Map<Sub, Grouped>
  /** The subscribers of each group. */
  members: Map<number, Sub[]>
  /** `groups` and `units` as the check's parameters (JSON text), made once per grouping. */
  json: { groups: string; units: string }
}

/** The live subscribers' grouping, kept while the set of live subscribers and their identities stay the same. */
interface LiveGrouping {
  identities: Map<Sub, RequestRole>
  grouping: Grouping
}

const POSITION = /^\d{1,19}$/

export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  return new Feed(options)
}

class Feed implements ChangeFeed {
  private readonly db: Db
  private readonly sequencer: Sequencer
  private readonly live = new Set<Sub>()
  /** Dropped whenever `live` changes (so it never holds a subscriber that left). */
  private liveGrouping: LiveGrouping | undefined
  private catching: Sub[] = []
  private head = 0n
  /** The last position known to be sequenced (NOTIFY, sweep). */
  private tail = 0n
  private nextId = 0
  private readonly runner = new SerialRunner(() => this.drain(), () => this.closed)
  private closed = false
  private unlisten: Unsubscribe | undefined
  private sweep: NodeJS.Timeout | undefined
  private retry: NodeJS.Timeout | undefined
  private started: Promise<void> | undefined
  private readonly sweepMs: number
  private readonly batchSize: number

  constructor(private readonly options: ChangeFeedOptions) {
    this.db = { pool: options.database.pool, onQuery: options.onQuery }
    this.batchSize = options.batchSize ?? 500
    const sweepMs = options.sweepMs ?? 2000
    this.sequencer = new Sequencer({
      database: options.database,
      log: options.log,
      retentionS: options.retentionS,
      pollMs: options.batchMs ?? 25,
      sweepMs,
      idlePolls: 50,
      pruneMs: Math.max(1000, Math.min(60_000, (options.retentionS * 1000) / 4)),
      onQuery: options.onQuery,
    })
    this.sweepMs = sweepMs
    // A failed start (the database down at boot) is retried by the next subscribe().
    this.ensureStarted().catch((err: unknown) => options.log.warn({ err }, 'realtime change feed: start failed; retried on the next subscription'))
  }

  private ensureStarted(): Promise<void> {
    this.started ??= this.start(this.sweepMs).catch((err: unknown) => {
      this.started = undefined
      throw err
    })
    return this.started
  }

  private async start(sweepMs: number): Promise<void> {
    const { head } = await headPosition(this.db)
    this.head = this.tail = head
    this.unlisten = await this.options.database.listener.listen('floe_changes', (payload) => this.sequenced(payload), {
      onMissed: () => void this.look(),
    })
    this.sweep = setInterval(() => void this.look(), sweepMs)
    this.sweep.unref()
    await this.sequencer.start()
  }

  private sequenced(payload: string): void {
    if (POSITION.test(payload)) {
      const n = BigInt(payload)
      if (n > this.tail) this.tail = n
    }
    this.wake()
  }

  /** Without a NOTIFY (a sweep, a reconnect): asks where the log ends. */
  private async look(): Promise<void> {
    try {
      const { head } = await headPosition(this.db)
      if (head > this.tail) this.tail = head
      if (this.tail > this.head || this.catching.length > 0) this.wake()
    } catch (err) {
      this.options.log.debug({ err }, 'realtime change feed: sweep failed')
    }
  }

  async subscribe(subscriber: ChangeSubscriber, inputs: ChangeSpecInput[], options: { since?: string | undefined } = {}): Promise<ChangeSubscription> {
    if (this.closed) throw new RealtimeError('the change feed is closed')
    const specs = parseSpecs(inputs)
    const since = options.since
    if (since !== undefined && !POSITION.test(since)) throw new RealtimeError(`invalid since ${JSON.stringify(since)}: expected a position`)
    await this.ensureStarted()
    const { role } = subscriber.identity()
    const reasons = await checkSpecs(this.db, role, specs)
    const refused = reasons.find((r) => r !== null)
    if (refused) throw new RealtimeError(refused)
    const ids = specs.map(() => ++this.nextId)
    const sub: Sub = { subscriber, specs, ids, cursor: this.head, closed: false }
    let gap = false
    if (since !== undefined) {
      const { head, prunedThrough } = await headPosition(this.db)
      const from = BigInt(since)
      // Older than the retained log, or from another log (a position it has not reached).
      gap = from < prunedThrough || from > head
      sub.cursor = from > head ? head : from < prunedThrough ? prunedThrough : from
      if (head > this.tail) this.tail = head
      this.catching.push(sub)
      this.wake()
    } else {
      this.addLive(sub)
    }
    return {
      ids,
      gap,
      unsubscribe: () => {
        sub.closed = true
        if (this.live.delete(sub)) this.liveGrouping = undefined
        this.catching = this.catching.filter((s) => s !== sub)
      },
    }
  }

  stats(): ChangeFeedStats {
    return {
      subscribers: this.live.size + this.catching.length,
      position: this.head > 0n ? String(this.head) : null,
      lag: Number(this.tail > this.head ? this.tail - this.head : 0n),
    }
  }

  private addLive(sub: Sub): void {
    this.live.add(sub)
    this.liveGrouping = undefined
  }

  private wake(): void {
    this.runner.wake()
  }

  private async drain(): Promise<void> {
    try {
      let more = true
      while (more && !this.closed) {
        more = await this.catchUp()
        if (this.live.size === 0) {
          // Nobody to check for: positions up to the tail are committed, move on.
          if (this.tail > this.head) this.head = this.tail
        } else if (await this.readLive()) {
          more = true
        }
      }
    } catch (err) {
      this.options.log.warn({ err }, 'realtime change feed: batch not delivered, will retry')
      if (!this.retry && !this.closed) {
        this.retry = setTimeout(() => {
          this.retry = undefined
          this.wake()
        }, 500)
      }
    }
  }

  /** One batch for each subscriber catching up; true while some still are. */
  private async catchUp(): Promise<boolean> {
    for (const sub of [...this.catching]) {
      if (sub.closed) continue
      if (sub.cursor < this.head) {
        const grouping = this.groupsOf([sub])
        const result = await this.check(sub.cursor, this.head, grouping)
        if (!sub.closed) this.deliver(result, grouping)
        // A short batch read everything up to head.
        if (result.changes.length < this.batchSize && this.head > sub.cursor) sub.cursor = this.head
      }
      if (sub.cursor >= this.head) {
        this.catching = this.catching.filter((s) => s !== sub)
        if (!sub.closed) this.addLive(sub)
      }
    }
    return this.catching.length > 0
  }

  /** One live batch after `head`; true when it was full (there may be more). */
  private async readLive(): Promise<boolean> {
    const grouping = this.groupLive()
    const result = await this.check(this.head, null, grouping)
    const last = result.changes.at(-1)?.position
    if (last === undefined) return false
    this.head = BigInt(last)
    if (this.head > this.tail) this.tail = this.head
    this.deliver(result, grouping)
    return result.changes.length === this.batchSize
  }

  /**
   * The live subscribers' grouping: the one kept from the last batch unless a subscriber came or
   * went or one's identity changed (an `access_token` swap), so a batch costs no grouping work
   * (1,000 subscribers: no claims serialised, no 1,000-group JSON made again).
   */
  private groupLive(): Grouping {
    const kept = this.liveGrouping
    if (kept && this.sameIdentities(kept.identities)) return kept.grouping
    const subs = [...this.live]
    const identities = new Map(subs.map((sub) => [sub, sub.subscriber.identity()]))
    const grouping = this.groupsOf(subs, identities)
    this.liveGrouping = { identities, grouping }
    return grouping
  }

  private sameIdentities(identities: Map<Sub, RequestRole>): boolean {
    for (const [sub, identity] of identities) if (sub.subscriber.identity() !== identity) return false
    return true
  }

  /** Groups subscribers by identity (role + claims), and each spec's unit within the batch. */
  private groupsOf(subs: Sub[], identities?: Map<Sub, RequestRole>): Grouping {
    const groups: GroupInput[] = []
    const byKey = new Map<string, number>()
    const units: UnitInput[] = []
    const unitByKey = new Map<string, number>()
    const groupOf = new Map<Sub, Grouped>()
    const members = new Map<number, Sub[]>()
    for (const sub of subs) {
      const { role, claims } = identities?.get(sub) ?? sub.subscriber.identity()
      const claimsText = JSON.stringify(claims)
      const key = `${role}\u0000${claimsText}`
      let g = byKey.get(key)
      if (g === undefined) {
        byKey.set(key, (g = groups.length))
        groups.push({ role, claims: claimsText, uid: uidSetting(claims) })
      }
      const mine: number[] = []
      for (const spec of sub.specs) {
        const f = spec.filter
        const unitKey = JSON.stringify([g, spec.schema, spec.table ?? null, f?.column ?? null, f?.op ?? null, f?.values ?? null])
        let u = unitByKey.get(unitKey)
        if (u === undefined) {
          unitByKey.set(unitKey, (u = units.length))
          units.push({ g, s: spec.schema, ...(spec.table ? { t: spec.table } : {}), ...(f ? { c: f.column, o: f.op, v: f.values } : {}) })
        }
        mine.push(u)
      }
      groupOf.set(sub, { g, units: mine })
      const list = members.get(g)
      if (list) list.push(sub)
      else members.set(g, [sub])
    }
    return { groups, units, groupOf, members, json: { groups: JSON.stringify(groups), units: JSON.stringify(units) } }
  }

  private async check(after: bigint, upto: bigint | null, { groups, units, json }: Grouping): Promise<CheckResult> {
    const uptoText = upto === null ? null : String(upto)
    try {
      return await checkChanges(this.db, String(after), uptoText, this.batchSize, json)
    } catch (err) {
      if (groups.length === 0) throw err
      this.options.log.warn({ err }, 'realtime change feed: a batch check failed; checking group by group')
      return this.checkEachGroup(after, uptoText, groups, units)
    }
  }

  /** The slow path after a failed check: each group alone, a failing one seeing nothing. */
  private async checkEachGroup(after: bigint, upto: string | null, groups: GroupInput[], units: UnitInput[]): Promise<CheckResult> {
    const base = await checkChanges(this.db, String(after), upto, this.batchSize, { groups: '[]', units: '[]' })
    const last = base.changes.at(-1)?.position
    if (last === undefined) return base
    for (const [g, group] of groups.entries()) {
      const mine = units.flatMap((u, i) => (u.g === g ? [{ unit: { ...u, g: 0 }, index: i }] : []))
      try {
        const one = await checkChanges(this.db, String(after), last, this.batchSize, {
          groups: JSON.stringify([group]),
          units: JSON.stringify(mine.map((m) => m.unit)),
        })
        for (const [k, v] of one.views) base.views.set(k, v)
        for (const [pos, byGroup] of one.verdicts) {
          const verdict = byGroup.get(0)
          if (!verdict) continue
          const remap = (list: number[]) => list.map((i) => mine[i]!.index)
          let target = base.verdicts.get(pos)
          if (!target) base.verdicts.set(pos, (target = new Map()))
          target.set(g, { ...verdict, newUnits: remap(verdict.newUnits), oldUnits: remap(verdict.oldUnits) })
        }
      } catch (err) {
        this.options.log.warn({ err, role: group.role }, 'realtime change feed: the rules raised an error for a subscriber group; it receives nothing of this batch')
      }
    }
    return base
  }

  private deliver(result: CheckResult, { groups, groupOf, members }: Grouping): void {
    for (const change of result.changes) {
      const verdicts = result.verdicts.get(change.position)
      if (!verdicts) continue
      const position = BigInt(change.position)
      for (const [g, verdict] of verdicts) {
        for (const sub of members.get(g) ?? []) {
          // A subscriber that joined the live ones ahead of `head` (a resume from past it) has
          // dealt with this position already.
          if (sub.closed || position <= sub.cursor) continue
          const view = result.views.get(viewKey(groups[g]!.role, change.tableOid))
          if (!view) continue
          const mine = groupOf.get(sub)!.units
          const units = sub.specs.map((s, i) =>
            (s.schema !== '*' && s.schema !== view.schema) || (s.table !== undefined && s.table !== view.table) ? -1 : mine[i]!,
          )
          const payload = payloadFor(change, view, verdict, { specs: sub.specs, ids: sub.ids, units })
          if (!payload) continue
          try {
            sub.subscriber.deliver(payload)
          } catch (err) {
            this.options.log.warn({ err }, 'realtime change feed: a subscriber threw on delivery')
          }
        }
      }
    }
    const last = result.changes.at(-1)?.position
    if (last === undefined) return
    const position = BigInt(last)
    for (const sub of groupOf.keys()) if (position > sub.cursor) sub.cursor = position
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.sweep) clearInterval(this.sweep)
    if (this.retry) clearTimeout(this.retry)
    await this.started?.catch(() => undefined)
    await this.runner.settled()
    await this.sequencer.close()
    await this.unlisten?.()
    this.live.clear()
    this.liveGrouping = undefined
    this.catching = []
  }
}
