/**
 * Test helpers: SDK clients for the server global-setup started, and signed-up users. Realtime
 * gets `ws` as its transport (Node 20 has no global WebSocket), as an app on Node 20 would.
 */
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import WebSocket from 'ws'
import { createClient, type FloeClient, type WebSocketLikeConstructor } from '../src/index.js'
import type { Database } from './fixture.js'

export type TestClient = FloeClient<Database>

export function floeTarget() {
  return inject('floe')
}

export function newClient(key?: string): TestClient {
  const t = floeTarget()
  return createClient<Database>(t.url, key ?? t.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as unknown as WebSocketLikeConstructor },
  })
}

export interface TestUser {
  client: TestClient
  id: string
  email: string
  password: string
}

/** Signs up a new user (no email confirmation on the test server) on a fresh client. */
export async function signUpUser(name: string): Promise<TestUser> {
  const client = newClient()
  const email = `${name}-${randomBytes(4).toString('hex')}@floe.test`
  const password = `pw-${randomBytes(8).toString('hex')}`
  const { data, error } = await client.auth.signUp({ email, password })
  if (error) throw error
  if (!data.session) {
    const signIn = await client.auth.signInWithPassword({ email, password })
    if (signIn.error) throw signIn.error
  }
  const { data: user } = await client.auth.getUser()
  if (!user.user) throw new Error('no user after sign-up')
  return { client, id: user.user.id, email, password }
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
