import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const FLOE_BIN = fileURLToPath(new URL('../bin/floe.mjs', import.meta.url))
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface FloeProcess {
  proc: ChildProcess
  url: string
  output(): string
  /** Sends a signal to the whole process group, as a terminal's Ctrl-C does. */
  signal(sig: NodeJS.Signals): void
  exited: Promise<number | null>
}

/** The machine's environment without anything that would configure Floe. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|REDIS_URL|PORT|HOST|FLOE_|RATE_LIMIT_|LOG_LEVEL|PUBLIC_URL|TEST_|VITEST)/.test(k)) continue
    env[k] = v
  }
  return { ...env, ...extra }
}

/** Runs `floe <args>` as a real process (the way the README starts it) and waits for readiness. */
export async function startFloeProcess(env: Record<string, string>, options: { cwd?: string; args?: string[]; timeoutMs?: number } = {}): Promise<FloeProcess> {
  const proc = spawn(process.execPath, [FLOE_BIN, ...(options.args ?? ['start'])], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`floe did not start in time:\n${out}`)), options.timeoutMs ?? 30_000)
    const check = () => {
      const m = /API:\s+(http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    proc.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`floe exited with ${code} before it was ready:\n${out}`))
    })
  })
  return {
    proc,
    url,
    output: () => out,
    signal: (sig) => process.kill(-proc.pid!, sig),
    exited,
  }
}

/** Runs `floe <args>` to completion; for commands that must fail or finish. `input`: piped to its stdin. */
export function runFloe(args: string[], env: Record<string, string>, cwd = REPO_ROOT, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [FLOE_BIN, ...args], { cwd, env: cleanEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    if (input !== undefined) proc.stdin!.end(input)
    let stdout = ''
    let stderr = ''
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}
