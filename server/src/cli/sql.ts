/**
 * `floe sql`: SQL on Floe's database as its owner (the embedded cluster's `postgres`, or
 * DATABASE_URL's user), with no psql installed. `-c "<sql>"` and `-f <file>` run their statements
 * one by one and stop at the first error, with exit code 1 (psql -v ON_ERROR_STOP=1); without
 * them, a prompt: statements end with `;` and may span lines, an error is shown and the prompt
 * goes on, `\q` or Ctrl-D quits, Ctrl-C cancels the running statement or clears the input.
 */
import { readFile } from 'node:fs/promises'
import readline from 'node:readline'
import pg from 'pg'
import { splitSql, type SqlStatement } from '../db/index.js'
import { CliError, flagValue, parseArgs, withDatabaseUrl, type CliContext, type DatabaseTarget } from './context.js'
import { formatSqlError, formatTable } from './sql-format.js'

export async function sqlCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { flags, positionals } = parseArgs('sql', args, { '-c': true, '--command': true, '-f': true, '--file': true })
  if (positionals.length > 0) throw new CliError(`floe sql: unexpected "${positionals[0]}" (floe sql, floe sql -c "<sql>" or floe sql -f <file>)`)
  const command = flagValue(flags, '-c') ?? flagValue(flags, '--command')
  const file = flagValue(flags, '-f') ?? flagValue(flags, '--file')
  if (command !== undefined && file !== undefined) throw new CliError('floe sql: -c or -f, not both')
  // Read before a database is started: a missing file is one line, and nothing else happens.
  const script =
    file === undefined
      ? command
      : await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new CliError(`floe sql: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)
        })
  await withDatabaseUrl(ctx, async (target) => {
    const session = await connect(target)
    try {
      if (script === undefined) await prompt(session, target)
      else if (!(await runScript(session, script, file))) process.exitCode = 1
    } finally {
      await session.client.end().catch(() => undefined)
    }
  })
}

interface Session {
  client: pg.Client
  url: string
  /** The command tag of the last statement (`CREATE TABLE`, `INSERT 0 1`), as psql prints it. */
  lastTag(): string
}

async function connect(target: DatabaseTarget): Promise<Session> {
  // Every value as Postgres' own text: a prompt shows what the database says, not a JS rendering.
  const types = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig
  const client = new pg.Client({ connectionString: target.url, types, application_name: 'floe sql' })
  client.on('error', () => undefined) // a dropped connection fails the next query, which says so
  client.on('notice', (n: { severity?: string; message?: string }) => process.stderr.write(`${n.severity ?? 'NOTICE'}:  ${n.message ?? ''}\n`))
  let tag = ''
  client.connection.on('commandComplete', (msg: { text?: string }) => (tag = msg.text ?? ''))
  try {
    await client.connect()
  } catch (err) {
    throw new CliError(`floe sql: cannot connect to the database (${target.source}): ${err instanceof Error ? err.message : String(err)}`)
  }
  return { client, url: target.url, lastTag: () => tag }
}

/** Runs one statement and prints its result; on error prints it psql's way and returns false. */
async function runStatement(session: Session, input: string, statement: SqlStatement, label?: string): Promise<boolean> {
  try {
    const result = await session.client.query<(string | null)[]>({ text: statement.text, rowMode: 'array' })
    // One statement at a time, so one result; pg returns an array only for several.
    for (const r of Array.isArray(result) ? (result as pg.QueryArrayResult<(string | null)[]>[]) : [result]) {
      process.stdout.write(r.fields.length > 0 ? formatTable(r) + '\n' : `${session.lastTag() || r.command}\n`)
    }
    return true
  } catch (err) {
    process.stderr.write(formatSqlError(err, input, statement, label))
    return false
  }
}

/** -c / -f: every statement in order; false at the first that fails (the rest are not run). */
async function runScript(session: Session, script: string, label: string | undefined): Promise<boolean> {
  const { statements, rest } = splitSql(script)
  for (const statement of rest ? [...statements, rest] : statements) {
    if (!(await runStatement(session, script, statement, label))) return false
  }
  return true
}

const PROMPT_HELP = 'End a statement with ; (it may span lines). \\q or Ctrl-D quits, Ctrl-C cancels a running statement or clears the input.'

async function prompt(session: Session, target: DatabaseTarget): Promise<void> {
  const tty = process.stdin.isTTY === true
  const database = decodeURIComponent(new URL(session.url).pathname.slice(1)) || 'postgres'
  const rl = readline.createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty })
  if (tty) {
    const { hostname, port, username } = new URL(session.url)
    process.stderr.write(`floe sql: ${database} on ${hostname}:${port} as ${decodeURIComponent(username)} (${target.source}). ${PROMPT_HELP}\n`)
  }
  let buffer = ''
  let running = false
  const setPrompt = () => rl.setPrompt(buffer.trim() ? `${database}-# ` : `${database}=# `)
  rl.on('SIGINT', () => {
    if (running) {
      void cancel(session)
      return
    }
    buffer = ''
    process.stdout.write('\n')
    setPrompt()
    rl.prompt()
  })
  setPrompt()
  if (tty) rl.prompt()
  for await (const line of rl) {
    // A backslash command: on a line of its own, or after the statements a line ends (`select 1; \q`).
    let meta = line.trim().startsWith('\\') ? line.trim() : undefined
    if (meta === undefined) {
      buffer += line + '\n'
      const { statements, rest } = splitSql(buffer)
      running = true
      for (const statement of statements) await runStatement(session, buffer, statement)
      running = false
      if (statements.length > 0) buffer = rest ? rest.text : ''
      if (buffer.trim().startsWith('\\')) [meta, buffer] = [buffer.trim(), '']
    }
    if (meta === '\\q' || meta === '\\quit') break
    if (meta !== undefined) process.stderr.write(meta === '\\?' ? `${PROMPT_HELP}\n` : `invalid command ${meta.split(/\s/)[0]}: \\q quits, \\? helps\n`)
    setPrompt()
    if (tty) rl.prompt()
  }
  rl.close()
  // At the end of piped input an unfinished last statement still runs, as psql does.
  const { rest } = splitSql(buffer)
  if (rest) await runStatement(session, buffer, rest)
  if (tty) process.stdout.write('\n')
}

/** Ctrl-C during a statement: ask the server to cancel it, from a connection of its own. */
async function cancel(session: Session): Promise<void> {
  const pid = (session.client as unknown as { processID: number | null }).processID
  if (!pid) return
  const other = new pg.Client({ connectionString: session.url, application_name: 'floe sql cancel' })
  try {
    await other.connect()
    await other.query('select pg_cancel_backend($1)', [pid])
  } catch {
    // Nothing more to do: the statement runs on; a second Ctrl-C tries again.
  } finally {
    await other.end().catch(() => undefined)
  }
}
