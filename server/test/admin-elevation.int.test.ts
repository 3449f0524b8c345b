/**
 * Issue 18: `X-Floe-Role: service_role` lets an admin user's token act as the service role on
 * every API (the dashboard's storage browser and jobs monitor), so the service key never reaches
 * a browser. Anyone else asking is refused, and a demoted admin at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from './app.js'
import { signIn, signUpVerified } from './auth-helpers.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { call, expectErrorShape, sqlOn, waitServed } from './rules-helpers.js'

let t: TestDatabase
let floe: TestApp
let admin: Record<string, string>
let plain: Record<string, string>
const ELEVATE = { 'x-floe-role': 'service_role' }

beforeAll(async () => {
  t = await createTestDatabase()
  await sqlOn(t.url, `create table public.secrets (id int primary key, v text); insert into public.secrets values (1, 'hidden')`)
  floe = await buildTestApp(t, { LOG_LEVEL: 'warn' })
  await waitServed(floe, 'secrets')
  await signUpVerified(floe, 'root@floe.test', 'a long admin passphrase 1')
  await signUpVerified(floe, 'user@floe.test', 'a long user passphrase 1')
  await sqlOn(t.url, `update auth.users set role = 'admin' where email = 'root@floe.test'`)
  admin = { ...floe.anon, authorization: `Bearer ${(await signIn(floe, 'root@floe.test', 'a long admin passphrase 1')).access_token}` }
  plain = { ...floe.anon, authorization: `Bearer ${(await signIn(floe, 'user@floe.test', 'a long user passphrase 1')).access_token}` }
  expect((await call(floe, 'POST', '/storage/v1/bucket', floe.service, { name: 'private-stuff', public: false })).status).toBe(201)
})
afterAll(async () => {
  await floe?.close()
  await t?.drop()
})

describe('X-Floe-Role: service_role', () => {
  it('gives an admin the service role on the data API and storage, keeping who they are', async () => {
    expect(await call(floe, 'GET', '/rest/v1/secrets', admin)).toEqual({ status: 200, body: [] })
    expect(await call(floe, 'GET', '/rest/v1/secrets', { ...admin, ...ELEVATE })).toEqual({ status: 200, body: [{ id: 1, v: 'hidden' }] })
    expect((await call(floe, 'GET', '/storage/v1/bucket', admin)).body).toEqual([])
    const buckets = await call(floe, 'GET', '/storage/v1/bucket', { ...admin, ...ELEVATE })
    expect((buckets.body as { name: string }[]).map((b) => b.name)).toEqual(['private-stuff'])
    // Through the Node front end (direct routes) too, as a browser reaches it.
    const res = await floe.http('http://floe.test/rest/v1/secrets?select=v', { headers: { ...admin, ...ELEVATE } })
    expect(await res.json()).toEqual([{ v: 'hidden' }])
  })

  it('refuses a non-admin, the anon key, the service key, another role and a demoted admin', async () => {
    const asUser = await call(floe, 'GET', '/rest/v1/secrets', { ...plain, ...ELEVATE })
    expect(asUser.status).toBe(403)
    expectErrorShape(asUser.body, 'FORBIDDEN')
    expect((await call(floe, 'GET', '/rest/v1/secrets', { ...floe.anon, ...ELEVATE })).status).toBe(403)
    expect((await call(floe, 'GET', '/rest/v1/secrets', { ...floe.service, ...ELEVATE })).status).toBe(403)
    const forged = await floe.asUser({ sub: crypto.randomUUID(), session_id: crypto.randomUUID(), user_role: 'admin' })
    expect((await call(floe, 'GET', '/rest/v1/secrets', { ...forged, ...ELEVATE })).status).toBe(403)
    const otherRole = await call(floe, 'GET', '/rest/v1/secrets', { ...admin, 'x-floe-role': 'postgres' })
    expect(otherRole.status).toBe(400)
    await sqlOn(t.url, `update auth.users set role = 'user' where email = 'root@floe.test'`)
    expect((await call(floe, 'GET', '/rest/v1/secrets', { ...admin, ...ELEVATE })).status).toBe(403)
    await sqlOn(t.url, `update auth.users set role = 'admin' where email = 'root@floe.test'`)
  })
})
