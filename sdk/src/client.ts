/**
 * FloeClient: one object for the data API, auth, storage, realtime and jobs. Every protocol that
 * a maintained supabase library speaks is that library (postgrest-js, auth-js, storage-js,
 * realtime-js, pinned at 2.109.0 like the supabase-js the server's tests drive); this file only
 * wires them as supabase-js does (one fetch adding the key and the session's token, realtime's
 * token following sign-in and refresh) and adds the jobs client.
 */
import { GoTrueClient, type AuthChangeEvent, type GoTrueClientOptions } from '@supabase/auth-js'
import { PostgrestClient, type PostgrestClientOptions } from '@supabase/postgrest-js'
import {
  RealtimeClient,
  type RealtimeChannel,
  type RealtimeChannelOptions,
  type RealtimeClientOptions,
  type RealtimeRemoveChannelResponse,
} from '@supabase/realtime-js'
import { StorageClient, type StorageClientOptions } from '@supabase/storage-js'
import { fetchWithAuth, type Fetch } from './fetch-with-auth.js'
import { JobsClient, type JobsOf } from './jobs.js'

export const VERSION = '0.1.0'

/** The keys of a Database type that name schemas (postgrest-js's constraint, kept as is). */
export type SchemaNames<Database> = string & keyof Omit<Database, '__InternalSupabase'>
export type DefaultSchemaName<Database> = 'public' extends SchemaNames<Database> ? 'public' : SchemaNames<Database>
export type ClientOptionsOf<Database> = Database extends { __InternalSupabase: infer I extends PostgrestClientOptions } ? I : {}

export type AuthOptions = Pick<
  GoTrueClientOptions,
  'autoRefreshToken' | 'persistSession' | 'detectSessionInUrl' | 'storage' | 'userStorage' | 'storageKey' | 'flowType' | 'debug' | 'lock' | 'lockAcquireTimeout' | 'throwOnError'
>

export interface FloeClientOptions<SchemaName extends string = string> {
  db?: { schema?: SchemaName; timeout?: number; urlLengthLimit?: number }
  /** Session handling (auth-js): storage and persistence, refresh, the URL flow. */
  auth?: AuthOptions
  /** realtime-js options; on Node 20 pass `transport: WebSocket` from the `ws` package. */
  realtime?: RealtimeClientOptions
  storage?: StorageClientOptions
  global?: { fetch?: Fetch; headers?: Record<string, string> }
  /**
   * Tokens come from elsewhere (a third-party auth): called before each request and realtime
   * join. `auth` is then unavailable, as in supabase-js.
   */
  accessToken?: () => Promise<string | null>
}

function unavailableAuth(): GoTrueClient {
  return new Proxy({} as GoTrueClient, {
    get(_, prop) {
      throw new Error(`@floe/sdk: the client was created with the accessToken option; floe.auth.${String(prop)} is not available`)
    },
  })
}

export class FloeClient<
  // `any` as supabase-js: without a Database type every table and column is accepted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Database = any,
  SchemaName extends SchemaNames<Database> = DefaultSchemaName<Database>,
  ClientOptions extends PostgrestClientOptions = ClientOptionsOf<Database>,
> {
  readonly auth: GoTrueClient
  readonly storage: StorageClient
  readonly jobs: JobsClient<JobsOf<Database>>
  /** The data API: a table or view's query builder (postgrest-js, typed from `Database`). */
  readonly from: PostgrestClient<Database, ClientOptions, SchemaName>['from']
  /** Calls a function (`/rest/v1/rpc/<fn>`). */
  readonly rpc: PostgrestClient<Database, ClientOptions, SchemaName>['rpc']
  /** The data API on another exposed schema. */
  readonly schema: PostgrestClient<Database, ClientOptions, SchemaName>['schema']
  /** The fetch the client's HTTP calls go through (key and session token added). */
  readonly fetch: Fetch

  private readonly accessTokenOption: (() => Promise<string | null>) | undefined
  private lastToken: string | undefined
  private realtimeClient: RealtimeClient | undefined
  private readonly realtimeUrl: URL
  private readonly realtimeOptions: RealtimeClientOptions

  constructor(
    readonly url: string,
    private readonly key: string,
    options: FloeClientOptions<SchemaName> = {},
  ) {
    if (!key) throw new Error('@floe/sdk: the anon (or service) key is required')
    const base = new URL(url.endsWith('/') ? url : `${url}/`)
    const headers = { 'X-Client-Info': `floe-sdk/${VERSION}`, ...options.global?.headers }
    this.accessTokenOption = options.accessToken
    this.auth = options.accessToken ? unavailableAuth() : this.createAuth(new URL('auth/v1', base).href, headers, options)
    this.fetch = fetchWithAuth(key, () => this.currentAccessToken(), options.global?.fetch)

    const rest = new PostgrestClient<Database, ClientOptions, SchemaName>(new URL('rest/v1', base).href, {
      headers,
      fetch: this.fetch,
      ...(options.db?.schema === undefined ? {} : { schema: options.db.schema }),
      ...(options.db?.timeout === undefined ? {} : { timeout: options.db.timeout }),
      ...(options.db?.urlLengthLimit === undefined ? {} : { urlLengthLimit: options.db.urlLengthLimit }),
    })
    this.from = rest.from.bind(rest) as typeof this.from
    this.rpc = rest.rpc.bind(rest) as typeof this.rpc
    this.schema = rest.schema.bind(rest) as typeof this.schema

    this.storage = new StorageClient(new URL('storage/v1', base).href, headers, this.fetch, options.storage)

    this.realtimeUrl = new URL('realtime/v1', base)
    this.realtimeUrl.protocol = this.realtimeUrl.protocol.replace('http', 'ws')
    this.realtimeOptions = { headers, ...options.realtime, params: { apikey: key, ...options.realtime?.params } }
    this.jobs = new JobsClient(new URL('jobs/v1', base).href, this.fetch, () => this.tryRealtime())
    if (!options.accessToken) this.auth.onAuthStateChange((event, session) => this.onAuthEvent(event, session?.access_token))
  }

  /**
   * The realtime-js client, made on first use: an app that never subscribes opens no socket and,
   * on Node 20, needs no `ws` transport (realtime-js throws without one when it is created).
   */
  get realtime(): RealtimeClient {
    if (this.realtimeClient) return this.realtimeClient
    const realtime = new RealtimeClient(this.realtimeUrl.href, { ...this.realtimeOptions, accessToken: () => this.currentAccessToken(), fetch: this.fetch })
    this.realtimeClient = realtime
    // The session's token, known from auth's events, set now: realtime-js reads it synchronously
    // into the join payload of a channel subscribed right after this.
    if (this.lastToken) void realtime.setAuth(this.lastToken)
    if (this.accessTokenOption) {
      // Before any subscribe: a join must not go out with the key where a token is expected.
      Promise.resolve(this.accessTokenOption())
        .then((token) => realtime.setAuth(token))
        .catch((err: unknown) => console.warn('@floe/sdk: the accessToken option failed for realtime:', err))
    }
    return realtime
  }

  /** The realtime client, or undefined where realtime-js cannot make one (Node 20 without a `ws` transport). */
  private tryRealtime(): RealtimeClient | undefined {
    try {
      return this.realtime
    } catch {
      return undefined
    }
  }

  /**
   * A realtime channel: postgres changes, broadcast, presence. For changes that survive a
   * reconnect, pass it to `resumeChanges()`.
   */
  channel(name: string, options: RealtimeChannelOptions = { config: {} }): RealtimeChannel {
    return this.realtime.channel(name, options)
  }

  getChannels(): RealtimeChannel[] {
    return this.realtimeClient?.getChannels() ?? []
  }

  removeChannel(channel: RealtimeChannel): Promise<RealtimeRemoveChannelResponse> {
    return this.realtime.removeChannel(channel)
  }

  removeAllChannels(): Promise<RealtimeRemoveChannelResponse[]> {
    // No realtime client yet: nothing to remove, and no socket (or Node 20 transport) needed.
    return this.realtimeClient?.removeAllChannels() ?? Promise.resolve([])
  }

  private createAuth(url: string, headers: Record<string, string>, options: FloeClientOptions<SchemaName>): GoTrueClient {
    const host = new URL(url).hostname.split('.')[0] ?? 'floe'
    return new GoTrueClient({
      autoRefreshToken: true,
      persistSession: true,
      detectSessionInUrl: true,
      flowType: 'implicit',
      storageKey: `floe-${host}-auth-token`,
      ...options.auth,
      url,
      headers: { Authorization: `Bearer ${this.key}`, apikey: this.key, ...headers },
      ...(options.global?.fetch ? { fetch: options.global.fetch } : {}),
      hasCustomAuthorizationHeader: Object.keys(headers).some((k) => k.toLowerCase() === 'authorization'),
    })
  }

  private async currentAccessToken(): Promise<string | null> {
    if (this.accessTokenOption) return this.accessTokenOption()
    const { data } = await this.auth.getSession()
    return data.session?.access_token ?? this.key
  }

  /** Realtime's token follows the session, as in supabase-js: joins and open channels switch. */
  private onAuthEvent(event: AuthChangeEvent, token: string | undefined): void {
    // Not made yet: when it is, its accessToken callback reads the session then.
    const realtime = this.realtimeClient
    const hasSession = event === 'SIGNED_IN' || event === 'TOKEN_REFRESHED' || (event === 'INITIAL_SESSION' && token !== undefined)
    if (hasSession && token !== this.lastToken) {
      this.lastToken = token
      void realtime?.setAuth(token ?? null)
    } else if (event === 'SIGNED_OUT') {
      this.lastToken = undefined
      void realtime?.setAuth()
    }
  }
}

/**
 * Creates a client.
 * @example
 * import { createClient } from '@floe/sdk'
 * import type { Database } from './database.types'
 * const floe = createClient<Database>('http://localhost:54321', '<anon key>')
 * const { data } = await floe.from('todos').select('id, title, list:lists(name)')
 */
export function createClient<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Database = any,
  SchemaName extends SchemaNames<Database> = DefaultSchemaName<Database>,
>(url: string, key: string, options?: FloeClientOptions<SchemaName>): FloeClient<Database, SchemaName> {
  return new FloeClient<Database, SchemaName>(url, key, options)
}
