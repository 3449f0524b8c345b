/**
 * The `floe` command: `floe start` (default), `floe migrate`, `floe keys [rotate anon|service]`,
 * `floe gen types typescript`.
 * Reads process.argv; its environment comes from config.ts (loadProcessConfig), the only reader of process.env.
 */
import { ConfigError, loadProcessConfig, type Config } from './config.js'
import { createLogger, type Logger } from './log.js'

const HELP = `Usage: floe <command>

  start                  run the server (default)
  worker                 run only the job workers and outbox relay (no HTTP)
  migrate                apply the platform migrations and exit
  keys                   show this instance's API keys
  keys rotate <anon|service>
                         replace a key; the old one stops working
  gen types typescript [--schema public,other] [--db-url <url>]
                         print the Database type of the schemas (default: FLOE_DB_SCHEMAS)
                         for supabase-js / postgrest-js / @floe/sdk; needs no running server
  backup <file>          write the database, the stored files and the keys into one archive
  restore <file>         restore such an archive into an empty database and object store
  help                   this text

Configuration comes from the environment: see the README's configuration table.`

function fail(message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n')
  process.exit(1)
}

function readConfig(): Readonly<Config> {
  try {
    return loadProcessConfig()
  } catch (err) {
    if (err instanceof ConfigError) fail(err.problems.map((p) => `floe: invalid configuration: ${p}`).join('\n'))
    throw err
  }
}

async function start(config: Readonly<Config>, log: Logger) {
  const { startFloe } = await import('./index.js')
  const floe = await startFloe(config, log)
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    log.info({ signal }, 'shutting down: draining in-flight requests')
    // While pools and clients close (and on Ctrl-C the embedded Postgres may already be gone), a
    // connection's late error must not turn an orderly stop into a crash with exit code 1.
    const late = (err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'error while shutting down')
    process.on('unhandledRejection', late)
    process.on('uncaughtException', late)
    floe.close().then(
      () => {
        log.info('stopped')
        process.exit(0)
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  const lines = [
    '',
    `  Floe is running`,
    `  API:       ${config.publicUrl.startsWith(`http://localhost:${config.port}`) ? floe.url : config.publicUrl}`,
    `  Docs:      ${floe.url}/docs`,
    `  Anon key:  ${floe.anonKey ?? '(set by FLOE_ANON_KEY)'}`,
  ]
  if (floe.createdServiceKey) {
    lines.push(
      `  Service key (shown once, keep it secret; \`floe keys\` shows it again):`,
      `             ${floe.createdServiceKey}`,
    )
  }
  // The banner goes straight to the terminal, not through the logger, so the service key never
  // enters a log pipeline; the structured log gets the URLs and the (public) anon key only.
  log.info({ url: floe.url, docs: `${floe.url}/docs`, anon_key: floe.anonKey }, 'ready')
  // Logs are buffered (log.ts): flush them first so the banner is what the start output ends with.
  await new Promise<void>((resolve) => log.flush(() => resolve()))
  process.stdout.write(lines.join('\n') + '\n\n')
}

async function withDatabase<T>(
  config: Readonly<Config>,
  log: Logger,
  fn: (db: import('./db/index.js').Database) => Promise<T>,
  databaseUrl = config.databaseUrl,
): Promise<T> {
  const { createDatabase, findRunningEmbeddedPostgres, startEmbeddedPostgres } = await import('./db/index.js')
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined
  // With the embedded database, reach the cluster of a server that is running, else start it.
  let url = databaseUrl ?? (await findRunningEmbeddedPostgres(config.dataDir))
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, log)
    url = embedded.url
  }
  const database = createDatabase(url, { max: 2, log })
  try {
    return await fn(database)
  } finally {
    await database.close()
    await embedded?.stop()
  }
}

async function keys(config: Readonly<Config>, log: Logger, args: string[]) {
  const { ensureInstanceSecrets, listKeys, rotateKey } = await import('./auth/index.js')
  const { migrate } = await import('./db/index.js')
  await withDatabase(config, log, async (database) => {
    await migrate(database.pool, log)
    const secrets = await ensureInstanceSecrets(database.withOwner, config)
    if (args[0] === 'rotate') {
      const kind = args[1]
      if (kind !== 'anon' && kind !== 'service') fail('floe keys rotate: say which key: anon or service')
      if ((kind === 'anon' ? config.anonKey : config.serviceKey) !== undefined) {
        fail(`floe keys rotate: the ${kind} key is set by FLOE_${kind.toUpperCase()}_KEY; change it there`)
      }
      const key = await rotateKey(database.withOwner, kind, secrets.jwtSecret)
      process.stdout.write(`new ${kind} key: ${key}\nthe previous ${kind} key stops working at once on every server\n`)
      return
    }
    if (args.length > 0) fail(HELP)
    const stored = await listKeys(database.db, secrets.jwtSecret)
    for (const kind of ['anon', 'service'] as const) {
      const env = kind === 'anon' ? config.anonKey : config.serviceKey
      const row = stored.find((k) => k.kind === kind)
      process.stdout.write(`${kind.padEnd(8)} ${env ? `(set by FLOE_${kind.toUpperCase()}_KEY)` : (row?.key ?? '(none)')}\n`)
    }
  })
}

/** `floe gen types typescript [--schema a,b] [--db-url url]`: the text on stdout, nothing else. */
async function genTypes(config: Readonly<Config>, log: Logger, args: string[]) {
  const [what, language, ...rest] = args
  if (what !== 'types' || language !== 'typescript') fail(`floe gen: expected "floe gen types typescript"\n\n${HELP}`)
  let schemas = config.dbSchemas
  let databaseUrl = config.databaseUrl
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i]!.split(/=(.*)/s, 2) as [string, string | undefined]
    const value = inline ?? rest[++i]
    if (value === undefined || value === '') fail(`floe gen types: ${flag} needs a value`)
    if (flag === '--schema' || flag === '--schemas') schemas = value.split(',').map((s) => s.trim()).filter(Boolean)
    else if (flag === '--db-url') databaseUrl = value
    else fail(`floe gen types: unknown option ${flag}\n\n${HELP}`)
  }
  const { generateTypescript } = await import('./typegen/index.js')
  const { describeHandlerPayloads } = await import('./jobs/index.js')
  // FLOE_FUNCTIONS_DIR's handlers, as the server would load them: their payload schemas type the queues.
  const payloads = Object.fromEntries(await describeHandlerPayloads(config.jobs.functionsDir, log))
  const text = await withDatabase(config, log, (database) => generateTypescript(database.withOwner, schemas, payloads), databaseUrl)
  process.stdout.write(text)
}

async function main() {
  const [command = 'start', ...args] = process.argv.slice(2)
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP + '\n')
    return
  }
  const config = readConfig()
  // `gen` prints a file to stdout: its logs (an embedded database starting, say) go to stderr.
  const log = createLogger(config.logLevel, command === 'gen' ? process.stderr : undefined)
  switch (command) {
    case 'start':
      return start(config, log)
    case 'migrate': {
      const { migrate } = await import('./db/index.js')
      await withDatabase(config, log, async (database) => {
        const { applied } = await migrate(database.pool, log)
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n')
      })
      return
    }
    case 'keys':
      return keys(config, log, args)
    case 'gen':
      return genTypes(config, log, args)
    case 'backup':
    case 'restore': {
      const { backupCommand, restoreCommand } = await import('./backup/index.js')
      return (command === 'backup' ? backupCommand : restoreCommand)(config, log, args)
    }
    case 'worker': {
      const { startWorker } = await import('./worker.js')
      const worker = await startWorker(config, log)
      const stop = (signal: string) => {
        log.info({ signal }, 'floe worker: stopping, letting active jobs finish')
        worker.close().then(() => process.exit(0), () => process.exit(1))
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
      process.stdout.write('floe worker running (jobs only)\n')
      return
    }
    default:
      fail(`floe: unknown command "${command}"\n\n${HELP}`)
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err)
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
  fail(`floe: ${message}${cause}`)
})
