/**
 * Storage calls as the service role: the admin's own token plus `X-Floe-Role: service_role`
 * (the server re-checks the account on every request; the service key never reaches the browser).
 */
import { useCallback, useMemo } from 'react'
import { ApiError, apiFetch, type FetchInit } from '../../lib/api'
import { useAuth } from '../../lib/auth'

export const SERVICE_ROLE_HEADER = { 'x-floe-role': 'service_role' } as const

/** `/storage/v1<path>` as JSON, as the service role. */
export function storageFetch<T = unknown>(path: string, init: FetchInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('x-floe-role', 'service_role')
  return apiFetch<T>(`/storage/v1${path}`, { ...init, headers })
}

/** An object path in a URL: each segment encoded, the slashes kept. */
export const encodePath = (name: string) => name.split('/').map(encodeURIComponent).join('/')

/** Headers and raw downloads for what apiFetch cannot do (XHR progress, TUS, blobs). */
export function useStorageAuth() {
  const { client, config } = useAuth()
  const headers = useCallback(async (): Promise<Record<string, string>> => {
    const token = (await client?.auth.getSession())?.data.session?.access_token
    if (!token || !config) throw new Error('Signed out: sign in again')
    return { apikey: config.anon_key, authorization: `Bearer ${token}`, ...SERVICE_ROLE_HEADER }
  }, [client, config])
  const download = useCallback(
    async (bucket: string, name: string, signal?: AbortSignal): Promise<Blob> => {
      const res = await fetch(`/storage/v1/object/${bucket}/${encodePath(name)}`, { headers: await headers(), signal })
      if (!res.ok) throw await ApiError.fromResponse(res)
      return res.blob()
    },
    [headers],
  )
  return useMemo(() => ({ headers, download, publicBase: config?.url ?? window.location.origin }), [headers, download, config])
}
