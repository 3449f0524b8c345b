/**
 * `floe worker`: only the job side of Floe — the outbox relay and the BullMQ workers — for
 * scale-out next to (or instead of) the workers inside `floe start` (FLOE_WORKERS). It serves no
 * HTTP. SIGTERM/SIGINT stop taking jobs and let the active ones finish before exiting.
 */
import { createOutboxMailer, createSmtpMailer, ensureInstanceSecrets, jwtKeysFrom } from './auth/index.js'
import type { Config } from './config.js'
import { createDatabase, findRunningEmbeddedPostgres, migrate } from './db/index.js'
import { createStorage } from './index.js'
import { createJobs } from './jobs/index.js'
import type { Logger } from './log.js'

export interface RunningWorker {
  close(): Promise<void>
}

export async function startWorker(config: Readonly<Config>, log: Logger): Promise<RunningWorker> {
  // A worker never starts its own embedded PostgreSQL: it joins the one a running server uses.
  const url = config.databaseUrl ?? (await findRunningEmbeddedPostgres(config.dataDir))
  if (!url) throw new Error('no database: set DATABASE_URL, or start `floe start` first (embedded PostgreSQL)')
  if (!config.redisUrl) throw new Error('jobs need Redis: set REDIS_URL=redis://127.0.0.1:6379')
  const database = createDatabase(url, { max: Math.min(config.databasePoolMax, 5), log })
  try {
    await migrate(database.pool, log)
    const mailer = config.auth.smtp ? createSmtpMailer(config.auth.smtp, config.auth.mailFrom) : createOutboxMailer(database.db)
    // Handlers' signed URLs must verify on the server: the same instance secret, the same storage.
    const secrets = await ensureInstanceSecrets(database.withOwner, config)
    const { storage } = await createStorage({ config, database, jwtKeys: jwtKeysFrom(secrets.jwtSecret, config.jwtPreviousSecrets), log })
    const jobs = await createJobs({ config, database, log, mailer, storage, workers: true })
    log.info('floe worker: relay and workers running')
    return {
      async close() {
        await jobs.close()
        await mailer.close()
        await database.close()
      },
    }
  } catch (err) {
    await database.close()
    throw err
  }
}
