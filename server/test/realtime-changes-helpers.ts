/** Helpers of the change feed's tests: a feed on a test database, and fake subscribers that collect. */
import { createDatabase, type Database, type RequestRole } from '../src/db/index.js'
import { createLogger } from '../src/log.js'
import { createChangeFeed } from '../src/realtime/changes/index.js'
import type { ChangeFeed, ChangeSubscriber, PostgresChangesPayload } from '../src/realtime/types.js'

export const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')

export interface Replica {
  database: Database
  feed: ChangeFeed
  queries: string[]
  close(): Promise<void>
}

export function startReplica(url: string, options: { retentionS?: number; batchSize?: number } = {}): Replica {
  const database = createDatabase(url, { max: 4, log })
  const queries: string[] = []
  const feed = createChangeFeed({
    database,
    log,
    retentionS: options.retentionS ?? 3600,
    batchMs: 5,
    sweepMs: 300,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    onQuery: (name) => queries.push(name),
  })
  return {
    database,
    feed,
    queries,
    async close() {
      await feed.close()
      await database.close()
    },
  }
}

export class Collector implements ChangeSubscriber {
  readonly got: PostgresChangesPayload[] = []
  constructor(public who: RequestRole) {}
  identity(): RequestRole {
    return this.who
  }
  deliver(payload: PostgresChangesPayload): void {
    this.got.push(payload)
  }
  /** The collected changes as compact tuples, for exact comparisons. */
  seen(): { type: string; record?: Record<string, unknown> | undefined; old?: Record<string, unknown> | undefined; ids: number[] }[] {
    return this.got.map((p) => ({
      type: p.data.type,
      ids: p.ids,
      ...(p.data.record !== undefined ? { record: p.data.record } : {}),
      ...(p.data.old_record !== undefined ? { old: p.data.old_record } : {}),
    }))
  }
}

export const user = (sub: string): RequestRole => ({ role: 'authenticated', claims: { sub, role: 'authenticated' } })

/** Waits until `check` passes (it throws until then). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await check()
      return
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
