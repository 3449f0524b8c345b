/**
 * The embedded start as root from a folder only root can enter (issue 15, item 15): initdb and
 * postgres run as the OS user `postgres`, which cannot reach that folder. Floe stops with one line
 * naming the closed folder and what to do (never an unhandled `spawn … EACCES`), and starts when
 * only the working folder is closed but FLOE_DATA_DIR is reachable.
 */
import { execFileSync } from 'node:child_process'
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { checkEmbeddedAccess, type OsUser } from '../src/db/embedded-access.js'
import { findFreePort } from '../src/db/index.js'
import { runFloe, startFloeProcess } from './process.js'

function postgresUser(): OsUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    return { name: 'postgres', uid: id('-u'), gid: id('-g') }
  } catch {
    return undefined
  }
}

const user = postgresUser()
// Only root hands the cluster to another OS user; without a `postgres` user there is nobody to lock out.
const asRoot = os.userInfo().uid === 0 && user !== undefined
const made: string[] = []
/** A folder like `mktemp -d` makes: mode 700, owned by root. */
async function rootOnlyFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'floe-rootonly-'))
  made.push(dir)
  return dir
}
afterAll(async () => {
  for (const d of made) await rm(d, { recursive: true, force: true })
})

describe.runIf(asRoot)('embedded PostgreSQL started as root from a folder only root can enter', () => {
  it('stops with one line naming the closed folder and FLOE_DATA_DIR, before anything runs', async () => {
    const cwd = await rootOnlyFolder()
    const r = await runFloe(['start'], { PORT: String(await findFreePort()) }, cwd)
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toEqual([
      `floe: the embedded PostgreSQL runs as the OS user postgres (Floe runs as root) and cannot enter its data folder ${cwd}/.floe: ` +
        `${cwd} (mode 700, uid 0) is closed to it. Set FLOE_DATA_DIR to a folder it can reach (e.g. /var/lib/floe), ` +
        'run Floe as a user other than root, or set DATABASE_URL to a PostgreSQL of your own',
    ])
    expect(r.stdout + r.stderr).not.toMatch(/EACCES|Unhandled|at .*\.js:\d+/)
  })

  it('starts from that folder when FLOE_DATA_DIR is one the postgres user can reach', async () => {
    const cwd = await rootOnlyFolder()
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'floe-reachable-'))
    made.push(dataDir)
    await chmod(dataDir, 0o755)
    const floe = await startFloeProcess({ FLOE_DATA_DIR: dataDir, PORT: String(await findFreePort()) }, { cwd, timeoutMs: 60_000 })
    try {
      expect((await fetch(`${floe.url}/ready`)).status).toBe(200)
    } finally {
      floe.signal('SIGINT')
      expect(await floe.exited).toBe(0)
    }
  }, 90_000)

  it('names the closed folder when the PostgreSQL programs themselves are out of reach (Floe installed under /root)', async () => {
    const installed = await rootOnlyFolder()
    const bin = path.join(installed, 'node_modules', 'native', 'bin')
    await mkdir(bin, { recursive: true, mode: 0o755 })
    for (const p of ['initdb', 'postgres']) await copyFile('/bin/true', path.join(bin, p))
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'floe-reachable-'))
    made.push(dataDir)
    await chmod(dataDir, 0o711)
    expect(() => checkEmbeddedAccess(user!, dataDir, { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') })).toThrow(
      `the embedded PostgreSQL runs as the OS user postgres (Floe runs as root) and cannot run ${bin}/initdb: ${installed} (mode 700, uid 0) is closed to it. ` +
        'Install Floe in a folder other users can enter',
    )
    await chmod(installed, 0o755)
    expect(() => checkEmbeddedAccess(user!, dataDir, { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') })).not.toThrow()
  })

  it('turns a spawn the library cannot make into one line, not an unhandled error event', async () => {
    // In a process of its own: the library's unhandled 'error' event is process-wide.
    const closed = await rootOnlyFolder()
    const program = path.join(closed, 'initdb')
    await copyFile('/bin/true', program)
    const script = path.join(closed, 'spawn.mts')
    const module = fileURLToPath(new URL('../src/db/embedded-access.ts', import.meta.url))
    await writeFile(
      script,
      `import { spawn } from 'node:child_process'
       import { catchSpawnErrors } from ${JSON.stringify(module)}
       await catchSpawnErrors(() => new Promise((resolve) => spawn(${JSON.stringify(program)}, [], { uid: ${user!.uid}, gid: ${user!.gid} }).on('exit', resolve)))
         .then(() => console.log('ran'), (err) => console.log('refused: ' + err.message))`,
    )
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))
    const out = execFileSync(tsx, [script], { encoding: 'utf8' })
    expect(out.trim()).toBe(
      `refused: the embedded PostgreSQL could not run ${program} as the OS user postgres (Floe runs as root), who must be able to enter every folder on its way (EACCES): ` +
        'install Floe in a folder that user can enter, run Floe as a user other than root, or set DATABASE_URL',
    )
  })
})
