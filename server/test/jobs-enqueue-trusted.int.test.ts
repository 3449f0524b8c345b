/**
 * floe.enqueue_trusted (migration 0024): a SECURITY DEFINER trigger the owner wrote enqueues as
 * the server to a queue its users may not enqueue to, in the user's transaction; a request role
 * calling it itself (SQL or /rest/v1/rpc) is refused; floe.enqueue keeps checking the role.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from './db.js'

const USER = '00000000-0000-4000-8000-0000000000a1'

describe('floe.enqueue_trusted', () => {
  let t: TestDatabase
  let sql: pg.Pool

  beforeAll(async () => {
    t = await createTestDatabase()
    sql = new pg.Pool({ connectionString: t.url, max: 2 })
    await sql.query(`
      insert into floe.queues (name, handler) values ('notify', 'echo');
      create table public.likes (id bigserial primary key, user_id uuid not null default auth.uid());
      create policy own on public.likes for all to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
      grant insert, select on public.likes to authenticated;
      grant usage on sequence public.likes_id_seq to authenticated;
      create function public.likes_notify() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        perform floe.enqueue_trusted('notify', jsonb_build_object('like', new.id));
        return new;
      end $$;
      create trigger likes_notify after insert on public.likes for each row execute function public.likes_notify();`)
  })
  afterAll(async () => {
    await sql?.end()
    await t?.drop()
  })

  /** Runs `fn` in a transaction as `authenticated` with USER's claims, as withRequestRole does. */
  const asUser = async <T>(fn: (c: pg.PoolClient) => Promise<T>, commit = true): Promise<T> => {
    const c = await sql.connect()
    try {
      await c.query('begin')
      await c.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: USER, role: 'authenticated' })])
      const out = await fn(c)
      await c.query(commit ? 'commit' : 'rollback')
      return out
    } catch (err) {
      await c.query('rollback')
      throw err
    } finally {
      c.release()
    }
  }
  const outbox = async () => (await sql.query<{ queue: string; payload: unknown; enqueued_role: string; enqueued_sub: string | null }>(
    `select queue, payload, enqueued_role, enqueued_sub from floe.outbox order by id`,
  )).rows

  it("a user's insert enqueues through the owner's trigger, as the server, only if it commits", async () => {
    await asUser((c) => c.query(`insert into public.likes default values`), false)
    expect(await outbox()).toEqual([])
    const { rows } = await asUser((c) => c.query<{ id: string }>(`insert into public.likes default values returning id`))
    expect(await outbox()).toEqual([{ queue: 'notify', payload: { like: Number(rows[0]!.id) }, enqueued_role: 'none', enqueued_sub: null }])
  })

  it('a request role may not call it itself, and floe.enqueue still checks the role', async () => {
    await expect(asUser((c) => c.query(`select floe.enqueue_trusted('notify', '{}')`))).rejects.toMatchObject({ code: '42501' })
    await expect(asUser((c) => c.query(`select floe.enqueue_as('none', null, 'notify', '{}', '{}')`))).rejects.toMatchObject({ code: '42501' })
    await expect(asUser((c) => c.query(`select floe.enqueue('notify', '{}')`))).rejects.toMatchObject({
      code: '42501',
      message: 'role "authenticated" may not enqueue to queue "notify"',
    })
    await expect(asUser((c) => c.query(`select floe.enqueue_trusted('nope', '{}')`))).rejects.toMatchObject({ code: '42501' })
    expect(await sql.query(`select floe.enqueue_trusted('nope', '{}')`).catch((e: { code: string }) => e.code)).toBe('P0002')
  })
})
