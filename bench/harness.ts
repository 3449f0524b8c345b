/**
 * What the benchmarks share: the database URL of a scratch database, starting a server process and
 * waiting for its ready line, a process's CPU time, and one autocannon run in its own process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

/** `url` with its database replaced by `name`. */
export function withDb(url: string, name: string) {
  const u = new URL(url)
  u.pathname = '/' + name
  return u.toString()
}

/** Spawns `cmd` and resolves once its output matches `ready` (rejects if it exits first). */
export function start(cmd: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const on = (d: Buffer) => {
      out += d.toString()
      if (ready.test(out)) resolve(p)
    }
    p.stdout!.on('data', on)
    p.stderr!.on('data', on)
    p.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${out}`)))
  })
}

export interface Load {
  reqPerSec: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  requests: number
  /** The server process's CPU time per request in this run, µs (set by the caller). */
  cpuUs?: number
}

/** The run with the median req/s. */
export function medianRun(runs: Load[]): Load {
  return [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(runs.length / 2)]!
}

/**
 * Each round's `a` / `b` req/s (the two ran back to back, so drift between rounds cancels), as
 * `median (lowest–highest)`.
 */
export function pairedRatio(a: Load[], b: Load[]): string {
  const r = a.map((x, i) => x.reqPerSec / b[i]!.reqPerSec).sort((x, y) => x - y)
  return `${r[Math.floor(r.length / 2)]!.toFixed(3)} (${r[0]!.toFixed(2)}–${r.at(-1)!.toFixed(2)})`
}

/** A process's user + system CPU time so far, in clock ticks (100 per second on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(f[11]) + Number(f[12])
}

export interface AutocannonOptions {
  connections: number
  seconds: number
  method?: string
  body?: string
  headers?: Record<string, string>
  /** `{key}` in the URL becomes a random integer in [1, keys] per request (through load.ts). */
  keys?: number
}

/** One autocannon run against `url`, in its own process. */
export function autocannon(url: string, opts: AutocannonOptions): Promise<Load> {
  const args = ['-c', String(opts.connections), '-d', String(opts.seconds), '-j', '-m', opts.method ?? 'GET']
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`)
  if (opts.body) args.push('-b', opts.body, '-H', 'content-type=application/json')
  args.push(url)
  const [command, argv] = opts.keys
    ? [process.execPath, ['--import', 'tsx', here('load.ts'), JSON.stringify({ url, keys: opts.keys, connections: opts.connections, seconds: opts.seconds, headers: opts.headers ?? {} })]]
    : [here('node_modules/.bin/autocannon'), args]
  return new Promise((resolve, reject) => {
    const p = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.on('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number }
        resolve({ reqPerSec: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx, requests: r.requests.total })
      } catch (err) {
        reject(err)
      }
    })
  })
}
