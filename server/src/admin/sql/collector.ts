/**
 * The script as ONE simple-protocol Query message, its replies collected without ever holding
 * more than `maxRows` rows of a result (nor more than a total character budget) in memory: the
 * rows beyond are read off the socket and dropped, counted by Postgres' CommandComplete. It is a
 * node-postgres "submittable", the extension point pg-cursor uses (see db/pipeline.ts).
 * Postgres still runs each statement to its end (the statement_timeout bounds that); what it
 * saves is the server's memory and the response's size.
 */
import type pg from 'pg'
import type { CommandCompleteMessage, DataRowMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js'
import { cellParser, type CellValue } from './values.js'

export interface RawColumn {
  name: string
  type_oid: number
}

export interface RawResult {
  command: string
  /** Rows the statement returned or affected (CommandComplete's count), null when it gives none. */
  row_count: number | null
  columns: RawColumn[]
  rows: CellValue[][]
  truncated: boolean
}

export interface CollectLimits {
  maxRows: number
  /** Characters of cell text kept over the whole script, so many capped results stay bounded too. */
  maxChars: number
}

interface PgConnection {
  query(text: string): void
  sendCopyFail(message: string): void
}

export const COPY_FROM_STDIN_REFUSED = 'COPY FROM STDIN is not supported by the SQL runner'

class ScriptCollector {
  readonly results: RawResult[] = []
  private current: RawResult | undefined
  private parsers: ((text: string) => CellValue)[] = []
  private chars = 0
  private settled = false

  constructor(
    private readonly text: string,
    private readonly limits: CollectLimits,
    private readonly done: (err: Error | undefined, results: RawResult[]) => void,
  ) {}

  submit(connection: PgConnection): void {
    connection.query(this.text)
  }

  handleRowDescription(msg: RowDescriptionMessage): void {
    this.current = { command: '', row_count: null, columns: msg.fields.map((f) => ({ name: f.name, type_oid: f.dataTypeID })), rows: [], truncated: false }
    this.parsers = msg.fields.map((f) => cellParser(f.dataTypeID))
  }

  handleDataRow(msg: DataRowMessage): void {
    const result = this.current
    if (!result) return
    if (result.rows.length >= this.limits.maxRows || this.chars >= this.limits.maxChars) {
      result.truncated = true
      return
    }
    const fields = msg.fields as (string | null)[]
    const row = fields.map((v, i) => {
      if (v === null) return null
      this.chars += v.length
      return this.parsers[i]!(v)
    })
    result.rows.push(row)
  }

  handleCommandComplete(msg: CommandCompleteMessage): void {
    const result = this.current ?? { command: '', row_count: null, columns: [], rows: [], truncated: false }
    // "INSERT 0 3" (the 0 is a long-gone oid), "SELECT 5000", "CREATE TABLE": a count comes last.
    const words = msg.text.split(' ')
    const count = /^\d+$/.test(words.at(-1) ?? '') ? Number(words.pop()) : null
    if (words[0] === 'INSERT' && words.length === 2) words.pop()
    result.command = words.join(' ')
    result.row_count = count
    this.results.push(result)
    this.current = undefined
    this.parsers = []
  }

  handleEmptyQuery(): void {}

  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail(COPY_FROM_STDIN_REFUSED)
  }

  /** COPY TO STDOUT: the data is not kept; the result says how many rows went by. */
  handleCopyData(): void {}

  handlePortalSuspended(): void {}

  /** node-postgres detaches the active query on an ErrorResponse: settle now (see db/pipeline.ts). */
  handleError(err: Error): void {
    this.settle(err)
  }

  handleReadyForQuery(): void {
    this.settle(undefined)
  }

  private settle(err: Error | undefined): void {
    if (this.settled) return
    this.settled = true
    this.done(err, this.results)
  }
}

/** Runs the script on this client (inside the caller's transaction); rejects with the first database error. */
export function collectScript(client: pg.PoolClient, text: string, limits: CollectLimits): Promise<RawResult[]> {
  return new Promise((resolve, reject) => {
    const collector = new ScriptCollector(text, limits, (err, results) => (err ? reject(err) : resolve(results)))
    void client.query(collector as unknown as pg.QueryConfig)
  })
}
