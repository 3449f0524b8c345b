/**
 * A whole request transaction in ONE round trip: BEGIN, the set_config of role and claims, the
 * request's statement and COMMIT are written to the socket as one buffer of extended-protocol
 * messages (Parse/Bind/Execute each, a single Sync at the end) and their replies read back
 * together. node-postgres cannot pipeline by itself; it does accept a "submittable" that writes
 * its own messages and receives the replies until ReadyForQuery, which is what this is.
 *
 * Every value is still a bound parameter. Postgres runs the messages in order; after an error it
 * skips to the Sync, so nothing after the failing statement runs; the explicit transaction is
 * then left aborted and the caller's ROLLBACK (one more round trip, on the error path only)
 * ends it before the connection goes back to the pool. After an error the caller must always
 * send that ROLLBACK: the transaction status node-postgres reports is not updated yet.
 */
import pg from 'pg'
import { serialize } from 'pg-protocol'
import type { BackendMessage, DataRowMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js'
import pgUtils from 'pg/lib/utils.js'

export interface PipelineStep {
  text: string
  values: unknown[]
  /**
   * A server-side prepared statement name: parsed (and planned) once per connection, then only
   * bound. For fixed texts (BEGIN, set_config, COMMIT) and the data API's statements (named by
   * their text); the same name must always mean the same text.
   */
  name?: string
  /**
   * The name is one of many (a data API statement, not a fixed text): each connection keeps at most
   * MAX_CACHED_STATEMENTS of these, closing the least recently used.
   */
  cached?: boolean
  /** Collect this step's rows (adds a Describe so the row description arrives). */
  wantRows?: boolean
}

type Row = Record<string, unknown>

interface PgConnection extends NodeJS.EventEmitter {
  stream: NodeJS.WritableStream
}

/** Statement names already parsed on each connection (a connection's prepared statements live as long as it does). */
const preparedByConnection = new WeakMap<object, Set<string>>()
/** Of those, the cached-read names, least recently used first. */
const cachedByConnection = new WeakMap<object, Set<string>>()
/** Per connection: enough for a working set of reads, bounded so a backend's memory is too. */
export const MAX_CACHED_STATEMENTS = 200

/** One pipelined batch as a node-postgres submittable. Resolves with the rows of each step. */
class PipelinedBatch {
  private readonly rows: Row[][]
  private step = 0
  private parsers: { name: string; parse: (v: string) => unknown }[] = []
  private error: Error | undefined

  constructor(
    private readonly steps: PipelineStep[],
    private readonly done: (err: Error | undefined, rows: Row[][]) => void,
  ) {
    this.rows = steps.map(() => [])
  }

  private connection: PgConnection | undefined
  private parsing: (string | undefined)[] = []
  private readonly onParseComplete = () => {
    // ParseComplete messages arrive in the order the Parses were sent: the nth names the nth.
    const name = this.parsing.shift()
    if (name && this.connection) preparedOf(this.connection).add(name)
  }

  submit(connection: PgConnection): void {
    this.connection = connection
    connection.on('parseComplete', this.onParseComplete)
    const prepared = preparedOf(connection)
    const buffers: Buffer[] = []
    for (const s of this.steps) if (s.name && s.cached) this.closeOldest(connection, prepared, s.name, buffers)
    for (const s of this.steps) {
      if (!s.name || !prepared.has(s.name)) {
        buffers.push(serialize.parse({ text: s.text, name: s.name ?? '', types: [] }))
        this.parsing.push(s.name)
      }
      const values = s.values.map((v) => pgUtils.prepareValue(v) as string | Buffer | null)
      buffers.push(serialize.bind({ portal: '', statement: s.name ?? '', values }))
      if (s.wantRows) buffers.push(serialize.describe({ type: 'P', name: '' }))
      buffers.push(serialize.execute({ portal: '', rows: 0 }))
    }
    buffers.push(serialize.sync())
    connection.stream.write(Buffer.concat(buffers))
  }

  /**
   * Marks `name` as just used and, when this connection would hold too many cached statements,
   * closes the least recently used. The Close messages lead the batch, so they take effect even
   * if a later step fails (a statement still prepared but forgotten here would make the next
   * Parse of its name fail).
   */
  private closeOldest(connection: object, prepared: Set<string>, name: string, buffers: Buffer[]): void {
    let cached = cachedByConnection.get(connection)
    if (!cached) cachedByConnection.set(connection, (cached = new Set()))
    cached.delete(name)
    cached.add(name)
    while (cached.size > MAX_CACHED_STATEMENTS) {
      const oldest = cached.values().next().value!
      cached.delete(oldest)
      prepared.delete(oldest)
      buffers.push(serialize.close({ type: 'S', name: oldest }))
    }
  }

  handleRowDescription(msg: RowDescriptionMessage): void {
    this.parsers = msg.fields.map((f) => ({ name: f.name, parse: pg.types.getTypeParser(f.dataTypeID, 'text') as (v: string) => unknown }))
  }

  handleDataRow(msg: DataRowMessage): void {
    if (!this.steps[this.step]?.wantRows) return
    const row: Row = {}
    msg.fields.forEach((value, i) => {
      const p = this.parsers[i]
      if (p) row[p.name] = value === null ? null : p.parse(value)
    })
    this.rows[this.step]!.push(row)
  }

  handleCommandComplete(): void {
    this.step++
    this.parsers = []
  }

  handleEmptyQuery(): void {
    this.step++
  }

  /**
   * node-postgres detaches the active query on an ErrorResponse, so the ReadyForQuery that follows
   * never reaches this batch: settle now. The client stays busy until that ReadyForQuery, so a
   * query the caller sends next (its ROLLBACK) is queued behind it.
   */
  handleError(err: Error): void {
    this.settle(err)
  }

  private settled = false

  private settle(err: Error | undefined): void {
    if (this.settled) return
    this.settled = true
    this.connection?.removeListener('parseComplete', this.onParseComplete)
    this.done(err, this.rows)
  }

  handlePortalSuspended(): void {
    this.error ??= new Error('portal suspended in a pipelined batch')
  }

  handleCopyInResponse(): void {
    this.error ??= new Error('COPY is not supported in a pipelined batch')
  }

  handleCopyData(): void {}

  handleReadyForQuery(): void {
    this.settle(this.error)
  }
}

function preparedOf(connection: object): Set<string> {
  let set = preparedByConnection.get(connection)
  if (!set) preparedByConnection.set(connection, (set = new Set()))
  return set
}

/** Runs the steps in one round trip on this client; rejects with the first database error. */
export function runPipeline(client: pg.PoolClient, steps: PipelineStep[]): Promise<Row[][]> {
  return new Promise((resolve, reject) => {
    const batch = new PipelinedBatch(steps, (err, rows) => (err ? reject(err) : resolve(rows)))
    // The submittable interface is node-postgres's documented extension point (pg-cursor uses it).
    void client.query(batch as unknown as pg.QueryConfig)
  })
}

/** 'I' idle, 'T' in a transaction, 'E' in a failed transaction, from the last ReadyForQuery. */
export function transactionStatus(client: pg.PoolClient): string | null {
  return (client as unknown as { _txStatus?: string | null })._txStatus ?? null
}

export type { BackendMessage }
