import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/db.js'
import { createLogger } from '../log.js'
import { createListener, LISTENER_APPLICATION_NAME, type Listener } from './listener.js'

const t = await createTestDatabase()
const sql = new pg.Pool({ connectionString: t.url, max: 2 })
const log = createLogger('silent')
afterAll(async () => {
  await sql.end()
  await t.drop()
})

const listenerBackends = async () =>
  (await sql.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and application_name = $1', [LISTENER_APPLICATION_NAME])).rows.map((r) => r.pid)

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function open(): Listener {
  return createListener({ connection: { connectionString: t.url }, log, backoff: { initialMs: 50, maxMs: 200 } })
}

describe('the shared LISTEN connection', () => {
  it('serves every channel over one connection, opened on the first listen', async () => {
    const l = open()
    expect(await listenerBackends()).toEqual([])
    const got: string[] = []
    const un1 = await l.listen('chan_a', (p) => got.push(`a1:${p}`))
    await l.listen('chan_a', (p) => got.push(`a2:${p}`))
    await l.listen('chan_b', (p) => got.push(`b:${p}`))
    expect(await listenerBackends()).toHaveLength(1)
    expect(l.stats()).toEqual({ listening: true, channels: ['chan_a', 'chan_b'], reconnects: 0 })

    await sql.query(`notify chan_a, 'x'; notify chan_b, 'y'; notify chan_c, 'z'`)
    await waitFor(() => got.length === 3)
    expect(got.sort()).toEqual(['a1:x', 'a2:x', 'b:y'])

    await un1()
    await sql.query(`notify chan_a, 'again'`)
    await waitFor(() => got.length === 4)
    expect(got.at(-1)).toBe('a2:again')
    await l.close()
    expect(l.stats().listening).toBe(false)
    await waitFor(async () => (await listenerBackends()).length === 0)
  })

  it('UNLISTENs a channel when its last subscriber leaves', async () => {
    const l = open()
    const un = await l.listen('chan_gone', () => undefined)
    await l.listen('chan_kept', () => undefined)
    const channels = async () => (await l.query<{ c: string }>('select pg_listening_channels() as c')).rows.map((r) => r.c).sort()
    expect(await channels()).toEqual(['chan_gone', 'chan_kept'])
    await un()
    expect(await channels()).toEqual(['chan_kept'])
    await l.close()
  })

  it('refuses a channel name that is not a plain identifier', async () => {
    const l = open()
    await expect(l.listen('floe; drop table x', () => undefined)).rejects.toThrow('invalid LISTEN channel')
    await expect(l.listen('Floe', () => undefined)).rejects.toThrow('invalid LISTEN channel')
    await l.close()
    await expect(l.listen('floe', () => undefined)).rejects.toThrow('closed')
  })

  it('after pg_terminate_backend: tells every subscriber, reconnects once, re-LISTENs every channel, then calls each onMissed', async () => {
    const l = open()
    const events: string[] = []
    const got: string[] = []
    for (const ch of ['chan_x', 'chan_y', 'chan_z']) {
      await l.listen(ch, (p) => got.push(`${ch}:${p}`), { onLost: () => events.push(`lost ${ch}`), onMissed: () => events.push(`missed ${ch}`) })
    }
    // Session state lives on the listening connection: an advisory lock taken through query().
    await l.query('select pg_advisory_lock(4242)')
    const [pid] = await listenerBackends()
    const lockHolder = async () => (await sql.query<{ pid: number }>(`select pid from pg_locks where locktype = 'advisory' and objid = 4242 and granted`)).rows[0]?.pid
    expect(await lockHolder()).toBe(pid)

    await sql.query('select pg_terminate_backend($1)', [pid])
    await waitFor(() => events.length >= 3)
    expect(events.sort()).toEqual(['lost chan_x', 'lost chan_y', 'lost chan_z'])
    expect(await lockHolder()).toBeUndefined() // the lock went with the connection

    await waitFor(() => l.stats().listening)
    await waitFor(() => events.length === 6)
    expect(events.slice(3).sort()).toEqual(['missed chan_x', 'missed chan_y', 'missed chan_z'])
    expect(l.stats()).toMatchObject({ listening: true, reconnects: 1 })
    const backends = await listenerBackends()
    expect(backends).toHaveLength(1)
    expect(backends[0]).not.toBe(pid)

    await sql.query(`notify chan_x, '1'; notify chan_y, '2'; notify chan_z, '3'`)
    await waitFor(() => got.length === 3)
    expect(got.sort()).toEqual(['chan_x:1', 'chan_y:2', 'chan_z:3'])
    await l.close()
  })

  it('a subscription made while the connection is down holds after the reconnect, and its onMissed is called', async () => {
    const l = createListener({ connection: { connectionString: t.url }, log, backoff: { initialMs: 400, maxMs: 400 } })
    await l.listen('chan_first', () => undefined)
    const [pid] = await listenerBackends()
    await sql.query('select pg_terminate_backend($1)', [pid])
    await waitFor(() => !l.stats().listening)
    await expect(l.query('select 1')).rejects.toThrow('down')

    let missed = 0
    const got: string[] = []
    await l.listen('chan_late', (p) => got.push(p), { onMissed: () => missed++ })
    expect(missed).toBe(0)
    await waitFor(() => l.stats().listening)
    expect(missed).toBe(1)
    await sql.query(`notify chan_late, 'here'`)
    await waitFor(() => got.length === 1)
    await l.close()
  })

  it('keeps retrying while the database is unreachable and holds once it is back', async () => {
    const wrong = new URL(t.url)
    wrong.pathname = `/${t.name}_not_yet`
    const l = createListener({ connection: { connectionString: wrong.toString() }, log, backoff: { initialMs: 20, maxMs: 50 } })
    let missed = 0
    await l.listen('chan_wait', () => undefined, { onMissed: () => missed++ }) // resolves after the failed first attempt
    expect(l.stats().listening).toBe(false)
    const admin = new pg.Client({ connectionString: t.adminUrl })
    await admin.connect()
    try {
      await admin.query(`create database ${t.name}_not_yet`)
      await waitFor(() => l.stats().listening)
      expect(missed).toBe(1)
      await l.close()
      await admin.query(`drop database ${t.name}_not_yet with (force)`)
    } finally {
      await admin.end()
    }
  })
})
