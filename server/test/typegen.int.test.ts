/**
 * `floe gen types typescript` on the fixture schema (test/fixtures/typegen/schema.sql): the text
 * equals the golden file (FLOE_UPDATE_GOLDEN=1 rewrites it), the CLI prints the same with
 * --db-url and the server stopped, and the golden types type-check a small postgrest-js app whose
 * `@ts-expect-error` lines prove that wrong columns, inserts, embeds and RPC arguments fail.
 */
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, type Database } from '../src/db/index.js'
import { createLogger } from '../src/log.js'
import { generateTypescript } from '../src/typegen/index.js'
import { describeHandlerPayloads } from '../src/jobs/index.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { buildTestApp } from './app.js'
import { runFloe } from './process.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/typegen/', import.meta.url))
const GOLDEN = `${FIXTURES}database.ts`
/** Job handlers with and without a payload schema, as FLOE_FUNCTIONS_DIR. */
const FUNCTIONS = `${FIXTURES}functions`
const SERVER = fileURLToPath(new URL('../', import.meta.url))

let t: TestDatabase
let database: Database

beforeAll(async () => {
  t = await createTestDatabase()
  const client = new pg.Client({ connectionString: t.url })
  await client.connect()
  try {
    await client.query(readFileSync(`${FIXTURES}schema.sql`, 'utf8'))
  } finally {
    await client.end()
  }
  database = createDatabase(t.url, { max: 2, log: createLogger('silent') })
})

afterAll(async () => {
  await database?.close()
  await t?.drop()
})

describe('floe gen types typescript', () => {
  it('prints the golden Database type for the fixture schema', async () => {
    const payloads = Object.fromEntries(await describeHandlerPayloads(FUNCTIONS, createLogger('silent')))
    const text = await generateTypescript(database.withOwner, ['public'], payloads)
    expect(text).toContain('thumbnails: { Payload: { path: string; width?: number; fit?: "cover" | "contain"; tags?: string[] } }')
    expect(text).toContain('untyped: { Payload: Json }')
    // The golden file is regenerated on request, never silently: a diff is a reviewed change.
    if (process.env.FLOE_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text)
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'))
  })

  it('prints the same from the CLI with --db-url and exits 0', async () => {
    const { code, stdout, stderr } = await runFloe(['gen', 'types', 'typescript', '--schema', 'public', '--db-url', t.url], { LOG_LEVEL: 'warn', FLOE_FUNCTIONS_DIR: FUNCTIONS })
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(stdout).toBe(readFileSync(GOLDEN, 'utf8'))
  })

  it('refuses an unknown option or target with exit 1 and a line on stderr', async () => {
    const unknown = await runFloe(['gen', 'types', 'typescript', '--db-url', t.url, '--nope', 'x'], {})
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/unknown option --nope/)
    const target = await runFloe(['gen', 'types', 'python'], {})
    expect(target.code).toBe(1)
    expect(target.stderr).toMatch(/floe gen types typescript/)
    expect(target.stdout).toBe('')
  })

  it('describes several schemas, each under its own key', async () => {
    const text = await generateTypescript(database.withOwner, ['storage', 'public'])
    expect(text).toMatch(/^ {2}public: \{$/m)
    expect(text).toMatch(/^ {2}storage: \{$/m)
    expect(text.indexOf('  public: {')).toBeLessThan(text.indexOf('  storage: {'))
  })

  it('serves the same at GET /admin/v1/types/typescript, for the service key only', async () => {
    const floe = await buildTestApp(t, { FLOE_FUNCTIONS_DIR: FUNCTIONS })
    try {
      const res = await floe.app.request('/admin/v1/types/typescript?schema=public', { headers: floe.service })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(await res.text()).toBe(readFileSync(GOLDEN, 'utf8'))
      const anon = await floe.app.request('/admin/v1/types/typescript', { headers: floe.anon })
      expect(anon.status).toBe(401)
      const user = await floe.app.request('/admin/v1/types/typescript', { headers: await floe.asUser({ sub: crypto.randomUUID() }) })
      expect(user.status).toBe(403)
      const bad = await floe.app.request('/admin/v1/types/typescript?schema=a,,b', { headers: floe.service })
      expect(bad.status).toBe(400)
    } finally {
      await floe.close()
    }
  })

  it('type-checks the fixture app against the golden types (tsc --noEmit)', async () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', `${FIXTURES}tsconfig.json`], { cwd: SERVER }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    )
    expect(result).toEqual({ code: 0, out: '' })
  }, 120_000)
})
