import pg from 'pg'
import { expect } from 'vitest'
import type { TestApp } from './app.js'

export const USER_A = '00000000-0000-4000-8000-00000000000a'
export const USER_B = '00000000-0000-4000-8000-00000000000b'

export async function sqlOn<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<R>(text, values)).rows
  } finally {
    await c.end()
  }
}

export async function call(floe: TestApp, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await floe.app.request(path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) }
}

/** The data API serves a table once its schema cache reloaded after the DDL (NOTIFY). */
export async function waitServed(floe: TestApp, table: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await floe.app.request(`/rest/v1/${table}?limit=0`, { headers: floe.service })
    if (res.status !== 404) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`/rest/v1/${table} not served after ${timeoutMs} ms`)
}

export function expectErrorShape(body: unknown, code: string): asserts body is { code: string; message: string; details: unknown; hint: unknown } {
  expect(Object.keys(body as object).sort()).toEqual(['code', 'details', 'hint', 'message'])
  expect((body as { code: string }).code).toBe(code)
}
