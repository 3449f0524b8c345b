import { CliError, type CliContext } from './context.js'

/**
 * `floe db url`: a URL that reaches Floe's database, for psql, a GUI or another tool. With the
 * embedded PostgreSQL it is the cluster's own (its port is kept across restarts); while no server
 * runs, stderr says the cluster is only up while floe runs, and the URL it will have is printed.
 */
export async function dbUrl({ config }: CliContext, args: string[]): Promise<void> {
  if (args[0] !== 'url' || args.length > 1) throw new CliError('floe db: expected "floe db url"')
  if (config.databaseUrl) {
    process.stdout.write(config.databaseUrl + '\n')
    return
  }
  const { embeddedPostgresUrl, findRunningEmbeddedPostgres } = await import('../db/index.js')
  const running = await findRunningEmbeddedPostgres(config.dataDir)
  if (!running) {
    process.stderr.write(
      'floe db url: the embedded PostgreSQL is not running: it is up only while `floe start` (or another floe command) runs; this is the URL it will have\n',
    )
  }
  process.stdout.write((running ?? (await embeddedPostgresUrl(config.dataDir, { port: config.dbPort }))) + '\n')
}
