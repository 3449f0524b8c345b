import { Writable } from 'node:stream'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/db.js'
import { ApiError } from '../errors/index.js'
import { createLogger } from '../log.js'
import { createDatabase } from './create-database.js'
import { createWithServiceRole, ownerPreamble, withTrialSavepoint } from './with-owner.js'

const t = await createTestDatabase()
const lines: Record<string, unknown>[] = []
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>)
    done()
  },
})
const database = createDatabase(t.url, { max: 2, log: createLogger('debug', sink) })
const { pool, withOwner } = database
const admin = new pg.Pool({ connectionString: t.url, max: 2 })
const logged = (msg: string) => lines.filter((l) => l.msg === msg)

beforeAll(async () => {
  await pool.query('create table public.door_log (n int)')
})
afterAll(async () => {
  await admin.end()
  await database.close()
  await t.drop()
})

describe('withOwner', () => {
  it('commits what the callback wrote, and logs the reason at debug', async () => {
    const pid = await withOwner('test: commit', async ({ client }) => {
      await client.query('insert into public.door_log values (1)')
      return (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
    })
    expect(typeof pid).toBe('number')
    expect((await pool.query('select n from public.door_log')).rows).toEqual([{ n: 1 }])
    expect(logged('owner transaction done').at(-1)).toMatchObject({ level: 20, reason: 'test: commit' })
  })

  it('sends BEGIN and every setting in one statement list, and the settings hold inside', async () => {
    expect(ownerPreamble({ readOnly: true, settings: { search_path: '' } })).toBe(`begin read only; set local search_path = ''`)
    expect(ownerPreamble({ statementTimeoutMs: 1500.7, lockTimeoutMs: 5000 })).toBe(`begin; set local statement_timeout = '1500'; set local lock_timeout = '5000'`)
    expect(() => ownerPreamble({ settings: { 'search_path; drop table x': '' } })).toThrow('invalid setting name')

    const settings = await withOwner(
      'test: settings',
      async ({ client }) => {
        const { rows } = await client.query<Record<string, string>>(
          `select current_setting('search_path') as search_path, current_setting('statement_timeout') as statement_timeout,
                  current_setting('lock_timeout') as lock_timeout, current_setting('transaction_read_only') as read_only`,
        )
        return rows[0]
      },
      { readOnly: true, statementTimeoutMs: 1500, lockTimeoutMs: 2000, settings: { search_path: '' } },
    )
    expect(settings).toEqual({ search_path: '""', statement_timeout: '1500ms', lock_timeout: '2s', read_only: 'on' })
    // set local: nothing survives into the pooled connection's next use.
    const after = await withOwner('test: after settings', async ({ client }) => (await client.query(`select current_setting('statement_timeout') as s`)).rows[0])
    expect(after).toEqual({ s: '0' })
  })

  it('rolls back on `rollback: true` and on an error, which it rethrows and logs with the reason', async () => {
    await withOwner('test: dry run', ({ client }) => client.query('insert into public.door_log values (2)'), { rollback: true })
    const boom = new Error('boom')
    await expect(
      withOwner('test: failing write', async ({ client }) => {
        await client.query('insert into public.door_log values (3)')
        throw boom
      }),
    ).rejects.toBe(boom)
    expect((await pool.query('select n from public.door_log order by n')).rows).toEqual([{ n: 1 }])
    expect(logged('owner transaction failed; rolling back').at(-1)).toMatchObject({ level: 40, reason: 'test: failing write' })

    // An answer (an ApiError below 500) is not a failure of the server: debug only.
    await expect(withOwner('test: not found', async () => Promise.reject(new ApiError('NOT_FOUND')))).rejects.toThrow()
    expect(logged('owner transaction failed; rolling back').at(-1)).toMatchObject({ level: 20, reason: 'test: not found' })
  })

  it('refuses a COMMIT that Postgres turned into a ROLLBACK (an error swallowed inside)', async () => {
    await expect(
      withOwner('test: swallowed error', async ({ client }) => {
        await client.query('insert into public.door_log values (4)')
        await client.query('select 1/0').catch(() => undefined)
      }),
    ).rejects.toThrow('aborted')
    expect((await pool.query('select n from public.door_log order by n')).rows).toEqual([{ n: 1 }])
  })

  it('gives Kysely on the same connection and transaction, and withServiceRole goes through the door', async () => {
    const same = await withOwner('test: kysely', async ({ client, trx }) => {
      const viaPg = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
      const viaKysely = (await trx.selectNoFrom((eb) => eb.fn<number>('pg_backend_pid', []).as('pid')).execute())[0]!.pid
      const { rows } = await client.query<{ x: string }>('select txid_current()::text as x')
      const k = await trx.selectNoFrom((eb) => eb.fn<string>('txid_current', []).as('x')).execute()
      return { samePid: viaKysely === viaPg, sameTx: String(k[0]!.x) === rows[0]!.x }
    })
    expect(same).toEqual({ samePid: true, sameTx: true })

    const withServiceRole = createWithServiceRole(withOwner)
    await expect(withServiceRole('test: service role', async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope')
    expect(logged('owner transaction failed; rolling back').at(-1)).toMatchObject({ reason: 'test: service role' })
  })

  it('undoes a trial savepoint whatever it did, and the transaction goes on', async () => {
    const seen = await withOwner('test: trial', async ({ client }) => {
      const failed = await withTrialSavepoint(client, async () => {
        await client.query('insert into public.door_log values (5)')
        await client.query(`select set_config('role', 'anon', true)`)
        return client.query('select 1/0').then(() => 'no error', (err: Error) => err.message)
      })
      await client.query('insert into public.door_log values (6)') // the transaction is not aborted
      const { rows } = await client.query<{ role: string }>('select current_user as role')
      return { failed, role: rows[0]!.role }
    })
    expect(seen).toEqual({ failed: 'division by zero', role: 'postgres' })
    expect((await pool.query('select n from public.door_log order by n')).rows).toEqual([{ n: 1 }, { n: 6 }])
    await pool.query('delete from public.door_log where n = 6')
  })

  it('destroys the connection when its ROLLBACK fails, never returning it to the pool', async () => {
    const failure = new Error('callback failed after the backend died')
    let pid = 0
    await expect(
      withOwner('test: backend killed', async ({ client }) => {
        pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
        const errored = new Promise((resolve) => client.once('error', resolve))
        await admin.query('select pg_terminate_backend($1)', [pid])
        await errored
        throw failure
      }),
    ).rejects.toBe(failure)
    const warned = logged('owner transaction: ROLLBACK failed; connection destroyed').at(-1)
    expect(warned).toMatchObject({ level: 40, reason: 'test: backend killed' })
    // Every connection the pool still holds is alive, and none is the dead one.
    const pids = await Promise.all([1, 2].map(() => withOwner('test: next', async ({ client }) => (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid)))
    expect(pids).not.toContain(pid)
  })
})
