/**
 * Shared harness for the data API conformance suite: a database of the file's own with
 * fixture.sql loaded, the app on it served by a real Node server (the data API's fast path in front
 * of the Hono app, as `floe start` serves), and `@supabase/postgrest-js` clients fetching from it. The suite drives `/rest/v1` only through the real client, except
 * for the few headers and verbs (PUT, raw bodies) postgrest-js does not expose.
 *
 * Expected values follow PostgREST 12 (tag v12.2.12): its spec tests under test/spec/Feature and
 * src/PostgREST/Error.hs, Response.hs and RangeQuery.hs.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { PostgrestClient } from '@supabase/postgrest-js'
import { afterAll, beforeAll } from 'vitest'
import { buildTestApp, type TestApp } from '../app.js'
import { createTestDatabase, type TestDatabase } from '../db.js'

export const BASE_URL = 'http://floe.test/rest/v1'

/** `sub` claims of the two RLS users; fixture.sql seeds notes for both. */
export const ALICE = '11111111-1111-4111-8111-111111111111'
export const BOB = '22222222-2222-4222-8222-222222222222'

export type Client = PostgrestClient

export interface RestHarness {
  db: TestDatabase
  testApp: TestApp
  /** Anon key only. */
  anon: Client
  /** Service key (bypasses RLS). */
  service: Client
  /** A client for a signed-in user (anon key + signed access token). */
  asUser(sub: string): Promise<Client>
  /** A raw request to `/rest/v1<path>`, for headers and verbs postgrest-js does not expose. */
  raw(pathAndQuery: string, init?: RequestInit & { headers?: Record<string, string> }): Promise<Response>
  close(): Promise<void>
}

async function loadFixture(url: string): Promise<void> {
  const sql = await readFile(path.join(import.meta.dirname, 'fixture.sql'), 'utf8')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function setupRest(): Promise<RestHarness> {
  const db = await createTestDatabase()
  await loadFixture(db.url)
  const testApp = await buildTestApp(db)
  const client = (headers: Record<string, string>): Client =>
    new PostgrestClient(BASE_URL, { headers, fetch: testApp.http, retry: false })
  return {
    db,
    testApp,
    anon: client(testApp.anon),
    service: client(testApp.service),
    async asUser(sub) {
      return client(await testApp.asUser({ sub }))
    },
    raw(pathAndQuery, init = {}) {
      const headers = { ...testApp.anon, ...(init.headers ?? {}) }
      return testApp.http(`${BASE_URL}${pathAndQuery}`, { ...init, headers })
    },
    async close() {
      await testApp.close()
      await db.drop()
    },
  }
}

/** For a test file: the harness is set up before its tests (handed to `ready`) and closed after them. */
export function useRest(ready: (harness: RestHarness) => void): void {
  let harness: RestHarness | undefined
  beforeAll(async () => {
    harness = await setupRest()
    ready(harness)
  })
  afterAll(async () => {
    await harness?.close()
  })
}

/** The ids of a result, in order: most filter tests only need to know which rows matched. */
export function ids(data: unknown): number[] {
  if (!Array.isArray(data)) throw new Error(`expected an array, got ${JSON.stringify(data)}`)
  return data.map((row: { id: number }) => row.id)
}
