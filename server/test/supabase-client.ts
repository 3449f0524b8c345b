/**
 * The unmodified supabase-js client as an app makes it: only the URL and the key differ from a
 * Supabase app (plus, optionally, a user's access token). Given a TestApp, requests go through
 * its real Node server (`floe.http`); given a URL, straight to it. Realtime gets `ws` on Node 20
 * (Node 22+ has a global WebSocket; the client asks for one when it is created).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { TestApp } from './app.js'

export function supabaseClient(target: TestApp | string, key?: string, accessToken?: string): SupabaseClient {
  const url = typeof target === 'string' ? target : 'http://floe.test'
  const apikey = key ?? (typeof target === 'string' ? undefined : target.anon.apikey)
  if (!apikey) throw new Error('supabaseClient: a key is needed with a URL')
  return createClient(url, apikey, {
    ...(typeof target === 'string' ? {} : { global: { fetch: target.http } }),
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    ...(accessToken === undefined ? {} : { accessToken: async () => accessToken }),
  })
}
