/**
 * The unmodified supabase-js client pointed at a test Floe: only the URL and the key differ from
 * a Supabase app. Requests go through the real Node server (`floe.http`); realtime gets `ws` on
 * Node 20 (Node 22+ has a global WebSocket).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { TestApp } from './app.js'

export function supabaseClient(floe: TestApp, key: string = floe.anon.apikey!): SupabaseClient {
  return createClient('http://floe.test', key, {
    global: { fetch: floe.http },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  })
}
