/**
 * Helpers of the realtime hub tests: a process's database parts (pool, LISTEN connection, request
 * transactions) over a test database, as each replica has its own, and fake channel members that
 * record what the hub sends them.
 */
import { randomUUID } from 'node:crypto'
import { createDatabase, createRequestTransactions, type Database, type WithRequestRole } from '../src/db/index.js'
import { createLogger } from '../src/log.js'
import type { BroadcastMessage, ChannelMember, JoinOptions } from '../src/realtime/types.js'

export const log = createLogger(process.env.LOG_LEVEL ?? 'silent')

export interface Replica {
  database: Database
  withRequestRole: WithRequestRole
}

/** One replica's own pool and LISTEN connection, as a second `floe start` process has. */
export function replicaDatabase(url: string): Replica {
  const database = createDatabase(url, { max: 4, log, listenerBackoff: { initialMs: 20, maxMs: 200 } })
  const { withRequestRole } = createRequestTransactions(database, { allowedRoles: new Set(['anon', 'authenticated', 'service_role']), statementTimeoutMs: 5_000 })
  return { database, withRequestRole }
}

export interface FakeMember extends ChannelMember {
  broadcasts: BroadcastMessage[]
  presence: { event: 'presence_state' | 'presence_diff'; payload: unknown }[]
}

export function member(topic: string, options: { private?: boolean; role?: string; claims?: Record<string, unknown> } = {}): FakeMember {
  const broadcasts: BroadcastMessage[] = []
  const presence: FakeMember['presence'] = []
  const identity = { role: options.role ?? 'anon', claims: options.claims ?? { role: options.role ?? 'anon' } }
  return {
    id: randomUUID(),
    topic,
    private: options.private ?? false,
    identity: () => identity,
    sendBroadcast: (m) => void broadcasts.push(m),
    sendPresence: (event, payload) => void presence.push({ event, payload }),
    broadcasts,
    presence,
  }
}

export function joinOptions(overrides: { self?: boolean; presence?: boolean; key?: string } = {}): JoinOptions {
  return { broadcast: { self: overrides.self ?? false, ack: false }, presence: { enabled: overrides.presence ?? true, key: overrides.key ?? '' } }
}

export async function eventually<T>(fn: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
