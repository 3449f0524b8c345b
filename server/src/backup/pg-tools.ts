/**
 * Finds PostgreSQL's own client programs (pg_dump, pg_restore) of a version that can serve a
 * given server: pg_dump refuses a server newer than itself, and pg_restore reads only archives
 * of its own version or older. Looks on PATH and in the Debian/Ubuntu layout
 * (/usr/lib/postgresql/<major>/bin), taking the newest that is recent enough.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

export interface PgTool {
  path: string
  major: number
  version: string
}

function versionOf(program: string): PgTool | undefined {
  const r = spawnSync(program, ['--version'], { encoding: 'utf8' })
  if (r.status !== 0) return undefined
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(r.stdout)
  if (!m) return undefined
  return { path: program, major: Number(m[1]), version: m[0].replace(/^\(PostgreSQL\)\s+/, '') }
}

function candidates(name: string): string[] {
  const out = [name]
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    for (const dir of readdirSync(debian)) {
      const p = path.join(debian, dir, 'bin', name)
      if (existsSync(p)) out.push(p)
    }
  }
  return out
}

/** The newest `name` (pg_dump, pg_restore) whose major version is at least `minMajor`, or a one-line reason. */
export function findPgTool(name: 'pg_dump' | 'pg_restore', minMajor: number): PgTool | { missing: string } {
  const found = candidates(name)
    .map(versionOf)
    .filter((t): t is PgTool => t !== undefined)
    .sort((a, b) => b.major - a.major)
  const best = found[0]
  if (best && best.major >= minMajor) return best
  const have = found.length ? `found only ${found.map((t) => `${t.path} ${t.version}`).join(', ')}` : `${name} is not installed`
  return {
    missing:
      `${name} ${minMajor} or newer is needed for a PostgreSQL ${minMajor} server; ${have}. ` +
      `Install the PostgreSQL ${minMajor} client programs (Debian/Ubuntu: postgresql-client-${minMajor} from apt.postgresql.org) and run again`,
  }
}

/** The major version of a `server_version_num` (150004 -> 15). */
export const majorOf = (serverVersionNum: number): number => Math.floor(serverVersionNum / 10000)
