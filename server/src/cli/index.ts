/**
 * The `floe` command (bin/floe.mjs runs src/cli.ts, which calls runCli): picks one command from
 * the arguments and runs it, one file per command in this folder. Adding a command is one line in
 * COMMANDS (and one in help.ts). Its environment comes from config.ts (loadProcessConfig), the
 * only reader of process.env. A command throws CliError for a bad input or a failure: one line on
 * stderr, exit code 1, no stack. Every command but `start` and `worker` exits when done, 0 on
 * success, whether the server runs or not.
 */
import { ConfigError, loadProcessConfig, type Config } from '../config.js'
import { createLogger } from '../log.js'
import { CliError, type CliContext } from './context.js'
import { HELP } from './help.js'

type Command = (ctx: CliContext, args: string[]) => Promise<void>

/** Each command, loaded only when it runs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start.js')).start,
  worker: async () => (await import('./worker.js')).worker,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  migration: async () => (await import('./migrate.js')).migrationCommand,
  sql: async () => (await import('./sql.js')).sqlCommand,
  db: async () => (await import('./db-url.js')).dbUrl,
  keys: async () => (await import('./keys.js')).keys,
  gen: async () => (await import('./gen-types.js')).genTypes,
  backup: async () => (await import('../backup/index.js')).backupCommand,
  restore: async () => (await import('../backup/index.js')).restoreCommand,
}

/** These keep running (a server, workers) and exit on a signal; every other command exits when done. */
const LONG_RUNNING = new Set(['start', 'worker'])

/** Commands whose stdout is their product (a file, a URL, query results, a backup's summary): their logs go to stderr. */
const QUIET_STDOUT = new Set(['gen', 'sql', 'db', 'backup', 'restore'])

function readConfig(): Readonly<Config> {
  try {
    return loadProcessConfig()
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.problems.map((p) => `floe: invalid configuration: ${p}`).join('\n'))
    throw err
  }
}

async function main(argv: string[]): Promise<void> {
  const [name = 'start', ...args] = argv
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(HELP + '\n')
    process.exit(0)
  }
  const load = COMMANDS[name]
  if (!load) throw new CliError(`floe: unknown command "${name}" (floe help lists them)`)
  const config = readConfig()
  const log = createLogger(config.logLevel, QUIET_STDOUT.has(name) ? process.stderr : undefined)
  const command = await load()
  await command({ config, log }, args)
  if (LONG_RUNNING.has(name)) return
  // Flush the (buffered) log, then exit: an idle handle left by a library must not keep a
  // finished command waiting.
  await new Promise<void>((resolve) => log.flush(() => resolve()))
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
}

/** Runs `floe <argv>`; the process exits when a one-shot command is done or fails. */
export function runCli(argv: string[]): Promise<void> {
  return main(argv).catch((err: unknown) => {
    const message =
      err instanceof CliError
        ? err.message
        : `floe: ${err instanceof Error ? err.message : String(err)}${err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
    process.stderr.write(message.endsWith('\n') ? message : message + '\n')
    process.exit(1)
  })
}
