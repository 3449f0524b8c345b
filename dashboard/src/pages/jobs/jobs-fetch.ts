/**
 * The jobs API as the service role: the admin's token plus `X-Floe-Role: service_role` (the
 * server re-checks the account each request; the service key never reaches the browser).
 * Queries refresh every few seconds, as a monitor should.
 */
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query'
import { apiFetch, type ApiError, type FetchInit } from '../../lib/api'

export const REFRESH_MS = 3000

export function jobsFetch<T = unknown>(path: string, init: FetchInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('x-floe-role', 'service_role')
  return apiFetch<T>(`/jobs/v1${path}`, { ...init, headers })
}

export const jobsKey = (path: string, query?: FetchInit['query']) => (query ? ['jobs', path, query] : ['jobs', path])

export function useJobsQuery<T>(path: string, opts: { query?: FetchInit['query'] } & Omit<UseQueryOptions<T, ApiError>, 'queryKey' | 'queryFn'> = {}) {
  const { query, ...rest } = opts
  return useQuery<T, ApiError>({
    queryKey: jobsKey(path, query),
    queryFn: ({ signal }) => jobsFetch<T>(path, { query, signal }),
    refetchInterval: REFRESH_MS,
    staleTime: 0,
    ...rest,
  })
}

/** A change; every jobs query refetches after it (counts, lists and details move together). */
export function useJobsMutation<TVars = void, TData = unknown>(fn: (vars: TVars) => Promise<TData>) {
  const qc = useQueryClient()
  return useMutation<TData, ApiError, TVars>({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['jobs'] }) })
}
