/**
 * The README's "Your first app", followed as written on the embedded default: each shell command
 * of the section is run by bash from the repository root, in order (the first one, `pnpm start`,
 * in the background), and the app's output is compared with the output the README shows. The only
 * additions are settings a second Floe on a shared machine needs: its own FLOE_DATA_DIR, a free
 * PORT and FLOE_URL pointing the app at it.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/db/index.js'
import { cleanEnv, REPO_ROOT } from './process.js'

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')

/** The fenced blocks of one language in the README section headed `## <title>`. */
function blocks(title: string, lang: string): string[] {
  const start = README.indexOf(`## ${title}\n`)
  if (start < 0) throw new Error(`README has no "## ${title}" section`)
  const end = README.indexOf('\n## ', start + 3)
  const section = README.slice(start, end < 0 ? undefined : end)
  const fence = new RegExp('^( *)```' + lang + '\\n([\\s\\S]*?)^\\1```', 'gm')
  return [...section.matchAll(fence)].map((m) => m[2]!.split('\n').map((l) => l.slice(m[1]!.length)).join('\n').trim())
}

function run(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn('bash', ['-c', command], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
    proc.on('exit', (code) => resolve({ code, out }))
  })
}

describe('README: your first app', () => {
  const [start, schema, app, outbox, ...rest] = blocks('Your first app', 'sh')
  const [expectedOutput] = blocks('Your first app', 'text')
  let dataDir: string | undefined
  let server: ReturnType<typeof spawn> | undefined
  let serverOut = ''

  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r))
      process.kill(-server.pid, 'SIGINT')
      await exited
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  }, 60_000)

  it('has the four steps this test runs', () => {
    expect([start, schema, app, outbox].every((b) => b && !b.includes('\n'))).toBe(true)
    expect(rest).toEqual([])
    expect(start).toMatch(/pnpm start$/)
    expect(expectedOutput).toBeTruthy()
  })

  it('runs as written: the backend from one SQL file, the app through @floe/sdk, the job in the outbox', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'floe-first-app-'))
    const port = await findFreePort()
    const env = cleanEnv({ FLOE_DATA_DIR: dataDir, PORT: String(port), FLOE_URL: `http://localhost:${port}` })

    // 1. The server, in the background, as a terminal would run it.
    server = spawn('bash', ['-c', start!], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    server.stdout!.on('data', (d: Buffer) => (serverOut += d.toString()))
    server.stderr!.on('data', (d: Buffer) => (serverOut += d.toString()))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`floe did not start:\n${serverOut}`)), 120_000)
      const check = () => {
        if (!/API:\s+http/.test(serverOut)) return
        clearTimeout(timer)
        resolve()
      }
      server!.stdout!.on('data', check)
      server!.once('exit', (code) => reject(new Error(`floe exited with ${code}:\n${serverOut}`)))
    })

    // 2. The backend.
    const created = await run(schema!, env)
    expect(created.code, created.out).toBe(0)

    // 3. The app: every line the README shows, in order (the id is Bob's).
    const ran = await run(app!, env)
    expect(ran.code, ran.out).toBe(0)
    const lines = ran.out.split('\n')
    let at = 0
    for (const wanted of expectedOutput!.split('\n')) {
      const pattern = new RegExp('^' + wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace("<Bob's id>", '[0-9a-f-]{36}') + '$')
      const found = lines.findIndex((l, i) => i >= at && pattern.test(l))
      expect(found, `"${wanted}" in the app's output:\n${ran.out}`).toBeGreaterThanOrEqual(0)
      at = found + 1
    }

    // 4. One email job, for Ada, in the outbox (jobs are off without Redis): the like's, not the unlike's.
    const jobs = await run(outbox!, env)
    expect(jobs.code, jobs.out).toBe(0)
    expect(jobs.out).toMatch(/^\s*email\s*\|\s*ada-\d+@example\.com\s*\|\s*Someone liked your post\s*$/m)
    expect(jobs.out).toMatch(/\(1 row\)/)
  }, 240_000)
})
