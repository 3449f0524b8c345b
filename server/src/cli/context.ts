/**
 * What every `floe` command shares: its configuration and logger, the one error type a command
 * throws for a bad input or a failure (printed as one line, exit code 1, no stack), and the way
 * a one-shot command reaches the database — the running server's embedded cluster, else one it
 * starts and stops, else DATABASE_URL.
 */
import type { Config } from '../config.js'
import type { Database, EmbeddedDatabase } from '../db/index.js'
import type { Logger } from '../log.js'

export interface CliContext {
  config: Readonly<Config>
  log: Logger
}

/** A command's own failure: main prints its message as it is, on one line, and exits with 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliError'
  }
}

/** A reachable database for the length of `fn`, with what to tell the user about where it is. */
export interface DatabaseTarget {
  url: string
  /** Where the URL came from: what `floe sql` says on connecting. */
  source: 'DATABASE_URL' | 'running server' | 'embedded (started for this command)' | 'option'
}

/**
 * Runs `fn` with a URL that reaches Floe's database: `databaseUrl` (DATABASE_URL or an option),
 * else the embedded cluster of a server that is running, else the embedded cluster started for
 * `fn` and stopped after it, whatever `fn` does.
 */
export async function withDatabaseUrl<T>(
  { config, log }: CliContext,
  fn: (target: DatabaseTarget) => Promise<T>,
  databaseUrl = config.databaseUrl,
): Promise<T> {
  if (databaseUrl) return fn({ url: databaseUrl, source: databaseUrl === config.databaseUrl ? 'DATABASE_URL' : 'option' })
  const { findRunningEmbeddedPostgres, startEmbeddedPostgres } = await import('../db/index.js')
  const running = await findRunningEmbeddedPostgres(config.dataDir)
  if (running) return fn({ url: running, source: 'running server' })
  let embedded: EmbeddedDatabase | undefined
  // Killed mid-command (a signal to this process alone), stop the cluster this command started
  // rather than leave it running: the next start would find its port taken.
  const onSignal = () => void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(130))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    embedded = await startEmbeddedPostgres(config.dataDir, log, { port: config.dbPort })
    return await fn({ url: embedded.url, source: 'embedded (started for this command)' })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await embedded?.stop()
  }
}

/** `withDatabaseUrl` with the process's kind of pool (two connections) around it. */
export async function withDatabase<T>(ctx: CliContext, fn: (db: Database) => Promise<T>, databaseUrl?: string): Promise<T> {
  const { createDatabase } = await import('../db/index.js')
  return withDatabaseUrl(
    ctx,
    async ({ url }) => {
      const database = createDatabase(url, { max: 2, log: ctx.log, applicationName: 'floe cli' })
      try {
        return await fn(database)
      } finally {
        await database.close()
      }
    },
    databaseUrl,
  )
}

/**
 * Splits `args` into flags and positionals. `spec` maps each known flag to whether it takes a
 * value (`--flag value` or `--flag=value`); anything else starting with `-` is refused.
 */
export function parseArgs(
  command: string,
  args: string[],
  spec: Record<string, boolean>,
): { flags: Map<string, string | true>; positionals: string[] } {
  const flags = new Map<string, string | true>()
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    if (!(flag in spec)) throw new CliError(`floe ${command}: unknown option ${flag} (see floe help)`)
    if (!spec[flag]) {
      if (inline !== undefined) throw new CliError(`floe ${command}: ${flag} takes no value`)
      flags.set(flag, true)
      continue
    }
    const value = inline ?? args[++i]
    if (value === undefined || value === '') throw new CliError(`floe ${command}: ${flag} needs a value`)
    flags.set(flag, value)
  }
  return { flags, positionals }
}

/** The value of a flag that takes one (parseArgs guarantees the type). */
export function flagValue(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name)
  return typeof v === 'string' ? v : undefined
}
