import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { runFloe, startFloeProcess } from './process.js'

/** PIDs of postgres processes serving the given cluster folder. */
function postgresProcessesFor(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `postgres -D ${dir}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'floe-embedded-'))
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('zero-config start (no DATABASE_URL), as the README runs it', () => {
  let anonKey = ''

  it('boots on embedded PostgreSQL, reports it ready, and serves /openapi.json to the anon key', async () => {
    const port = await findFreePort()
    const floe = await startFloeProcess({ FLOE_DATA_DIR: dataDir, PORT: String(port) }, { timeoutMs: 60_000 })
    try {
      const out = floe.output()
      anonKey = /Anon key:\s+(\S+)/.exec(out)?.[1] ?? ''
      expect(anonKey).toMatch(/^floe_anon_/)
      expect(out).toMatch(/Service key \(shown once/)
      expect(out).toContain(`Docs:      http://127.0.0.1:${port}/docs`)

      const ready = await fetch(`${floe.url}/ready`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } })
      const doc = await fetch(`${floe.url}/openapi.json`, { headers: { apikey: anonKey } })
      expect(doc.status).toBe(200)
      expect(await doc.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Floe API' } })
      expect(postgresProcessesFor(path.join(dataDir, 'pg'))).not.toEqual([])
    } finally {
      floe.signal('SIGINT') // Ctrl-C: the terminal signals the whole process group
      expect(await floe.exited).toBe(0)
    }
    expect(postgresProcessesFor(path.join(dataDir, 'pg'))).toEqual([])
  })

  it('reuses the same data and keys on the second start, and Ctrl-C leaves no postgres behind', async () => {
    const port = await findFreePort()
    const floe = await startFloeProcess({ FLOE_DATA_DIR: dataDir, PORT: String(port) }, { timeoutMs: 60_000 })
    try {
      const out = floe.output()
      expect(/Anon key:\s+(\S+)/.exec(out)?.[1]).toBe(anonKey)
      expect(out).not.toMatch(/Service key/) // shown on the first start only
      expect(out).not.toMatch(/migration applied/)
      expect(out).not.toMatch(/first run/)
      const res = await fetch(`${floe.url}/openapi.json`, { headers: { apikey: anonKey } })
      expect(res.status).toBe(200)

      // `floe keys` reaches the running server's embedded database and shows the same keys.
      const keys = await runFloe(['keys'], { FLOE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
      expect(keys.code).toBe(0)
      expect(keys.stdout).toMatch(new RegExp(`^anon\\s+${anonKey}$`, 'm'))
      expect(keys.stdout).toMatch(/^service\s+floe_service_\S+$/m)
      // Rotation: the new service key works on the running server, the old one stops.
      const oldService = /^service\s+(\S+)$/m.exec(keys.stdout)![1]!
      const rotated = await runFloe(['keys', 'rotate', 'service'], { FLOE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' })
      const newService = /new service key: (\S+)/.exec(rotated.stdout)![1]!
      // The new key works as soon as the server has heard of it (NOTIFY, or its next key load).
      let fresh = 0
      for (let i = 0; i < 60 && fresh !== 404; i++) {
        fresh = (await fetch(`${floe.url}/nope`, { headers: { apikey: newService } })).status
        if (fresh !== 404) await new Promise((r) => setTimeout(r, 50))
      }
      expect(fresh).toBe(404)
      // The rotation's NOTIFY reaches the running server: the old key is refused at once.
      let status = 0
      for (let i = 0; i < 40 && status !== 401; i++) {
        status = (await fetch(`${floe.url}/nope`, { headers: { apikey: oldService } })).status
        if (status !== 401) await new Promise((r) => setTimeout(r, 50))
      }
      expect(status).toBe(401)
    } finally {
      floe.signal('SIGINT')
      expect(await floe.exited).toBe(0)
    }
    expect(postgresProcessesFor(path.join(dataDir, 'pg'))).toEqual([])
  })

  it('also stops cleanly on SIGTERM sent to the server alone (docker stop)', async () => {
    const floe = await startFloeProcess({ FLOE_DATA_DIR: dataDir, PORT: String(await findFreePort()) }, { timeoutMs: 60_000 })
    process.kill(floe.proc.pid!, 'SIGTERM')
    expect(await floe.exited).toBe(0)
    expect(postgresProcessesFor(path.join(dataDir, 'pg'))).toEqual([])
  })
})
