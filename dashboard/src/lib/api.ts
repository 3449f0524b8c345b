/**
 * The dashboard's one door to the server: `adminFetch` for `/admin/v1` (the signed-in admin's
 * access token and the anon key), `apiFetch` for the other APIs (the anon key, plus the token when
 * signed in), Floe's error body parsed into `ApiError`, and TanStack Query helpers around them.
 * Screens call `useAdminQuery` / `useAdminMutation` and never `fetch` directly.
 */
import {
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
  type UseMutationOptions,
  type UseQueryOptions,
} from '@tanstack/react-query'

/** Floe's error body: `{ code, message, details, hint }` (GoTrue's `{ error_code, msg }` read too). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown
  readonly hint: string | null

  constructor(status: number, code: string, message: string, details: unknown = null, hint: string | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.hint = hint
  }

  /** The caller is signed in but not an admin (or the admin API refused the token). */
  get isForbidden(): boolean {
    return this.status === 403
  }

  get isUnauthenticated(): boolean {
    return this.status === 401
  }

  static async fromResponse(res: Response): Promise<ApiError> {
    const text = await res.text().catch(() => '')
    let body: Record<string, unknown> = {}
    try {
      const parsed: unknown = text ? JSON.parse(text) : {}
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
    } catch {
      body = { message: text.slice(0, 300) }
    }
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
    const code = str(body.code) ?? str(body.error_code) ?? `HTTP_${res.status}`
    const message = str(body.message) ?? str(body.msg) ?? str(body.error_description) ?? (res.statusText || `HTTP ${res.status}`)
    return new ApiError(res.status, code, message, body.details ?? null, str(body.hint) ?? null)
  }
}

/** A human sentence for any thrown value (ApiError, auth-js errors, network failures). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err instanceof TypeError && /fetch/i.test(err.message)) return 'The server could not be reached'
  if (err instanceof Error) return err.message
  return String(err)
}

interface ApiCredentials {
  anonKey: string
  /** The current access token (refreshed by auth-js when it is near expiry), or null signed out. */
  getAccessToken(): Promise<string | null>
  /** The admin API refused the session (401: expired beyond refresh, signed out elsewhere). */
  onUnauthorized?(): void
}

let credentials: ApiCredentials | undefined

/** Called once by AuthProvider when the config and the auth client are ready. */
export function configureApi(c: ApiCredentials | undefined): void {
  credentials = c
}

export interface FetchInit extends Omit<RequestInit, 'body'> {
  /** Sent as JSON (with its content-type) unless it is a string, FormData, Blob or ArrayBuffer. */
  body?: unknown
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined | null>
}

function toRequestInit(init: FetchInit, headers: Headers): RequestInit {
  const { body, query: _query, ...rest } = init
  if (body === undefined || body === null) return { ...rest, headers }
  if (typeof body === 'string' || body instanceof FormData || body instanceof Blob || body instanceof ArrayBuffer) {
    return { ...rest, headers, body }
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  return { ...rest, headers, body: JSON.stringify(body) }
}

function withQuery(path: string, query: FetchInit['query']): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v))
  const s = params.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

/**
 * Any Floe API on this origin (`/auth/v1/settings`, `/rest/v1/...`, `/admin/v1/setup`): the anon
 * key always, the admin's token when signed in. Resolves to the parsed JSON (undefined for 204);
 * throws ApiError for a non-2xx answer.
 */
export async function apiFetch<T = unknown>(path: string, init: FetchInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  if (credentials) {
    headers.set('apikey', credentials.anonKey)
    const token = await credentials.getAccessToken()
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
  }
  const res = await fetch(withQuery(path, init.query), toRequestInit(init, headers))
  if (res.status === 401 && path.startsWith('/admin/v1/') && headers.has('authorization')) credentials?.onUnauthorized?.()
  if (!res.ok) throw await ApiError.fromResponse(res)
  if (res.status === 204) return undefined as T
  const type = res.headers.get('content-type') ?? ''
  return (type.includes('json') ? await res.json() : await res.text()) as T
}

/**
 * The admin API: `adminFetch('/tables')` calls `/admin/v1/tables`.
 * @example const rules = await adminFetch<Rule[]>('/rules', { query: { schema: 'public' } })
 * @example await adminFetch('/rules', { method: 'POST', body: { table: 'notes', template: 'owner' } })
 */
export function adminFetch<T = unknown>(path: string, init: FetchInit = {}): Promise<T> {
  return apiFetch<T>(`/admin/v1${path.startsWith('/') ? path : `/${path}`}`, init)
}

/** Query keys of admin data start with 'admin' and the path, so a mutation can invalidate a subtree. */
export function adminKey(path: string, query?: FetchInit['query']): QueryKey {
  return query ? ['admin', path, query] : ['admin', path]
}

/**
 * A GET on the admin API as a TanStack query.
 * @example const { data, isPending, error, refetch } = useAdminQuery<Table[]>('/tables', { query: { schema: 'public' } })
 */
export function useAdminQuery<T>(
  path: string,
  opts: { query?: FetchInit['query']; enabled?: boolean } & Omit<UseQueryOptions<T, ApiError>, 'queryKey' | 'queryFn'> = {},
) {
  const { query, ...rest } = opts
  return useQuery<T, ApiError>({
    queryKey: adminKey(path, query),
    queryFn: ({ signal }) => adminFetch<T>(path, query ? { query, signal } : { signal }),
    ...rest,
  })
}

/**
 * A change through the admin API; on success the queries under `invalidates` (paths) refetch.
 * @example
 * const drop = useAdminMutation((name: string) => adminFetch(`/tables/${name}`, { method: 'DELETE' }), { invalidates: ['/tables'] })
 * drop.mutate('notes')
 */
export function useAdminMutation<TVars = void, TData = unknown>(
  fn: (vars: TVars) => Promise<TData>,
  opts: { invalidates?: string[] } & Omit<UseMutationOptions<TData, ApiError, TVars>, 'mutationFn'> = {},
) {
  const qc = useQueryClient()
  const { invalidates = [], onSuccess, ...rest } = opts
  return useMutation<TData, ApiError, TVars>({
    mutationFn: fn,
    ...rest,
    onSuccess: async (...args) => {
      await Promise.all(invalidates.map((p) => qc.invalidateQueries({ queryKey: ['admin', p] })))
      await onSuccess?.(...args)
    },
  })
}
