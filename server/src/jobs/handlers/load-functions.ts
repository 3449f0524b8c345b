/**
 * Loads user handlers from FLOE_FUNCTIONS_DIR: each `<name>.ts|.js|.mjs` whose default export is
 * a handler. A module that fails to load is logged and skipped; the others still run.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Logger } from '../../log.js'
import { isHandler, type Handler } from '../define-handler.js'

export async function loadFunctions(dir: string | undefined, log: Logger): Promise<Map<string, Handler>> {
  const out = new Map<string, Handler>()
  if (!dir) return out
  let files: string[]
  try {
    files = await readdir(dir)
  } catch {
    log.warn({ dir }, 'FLOE_FUNCTIONS_DIR does not exist: no user job handlers')
    return out
  }
  for (const file of files.sort()) {
    const m = /^([a-z0-9][a-z0-9_-]{0,62})\.(ts|js|mjs)$/.exec(file)
    if (!m || file.endsWith('.d.ts')) continue
    try {
      const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: unknown }
      if (isHandler(mod.default)) out.set(m[1]!, mod.default)
      else log.warn({ file }, 'job handler module has no default export from defineHandler(): skipped')
    } catch (err) {
      log.error({ err, file }, 'job handler module failed to load: skipped')
    }
  }
  return out
}
