/** The first-admin setup API (`/admin/v1/setup`, public): does this instance still need an admin? */
import { useQuery } from '@tanstack/react-query'
import { ApiError, apiFetch } from './api'

/** undefined while loading, and when the server has no setup API (404: an older server). */
export function useNeedsSetup(enabled = true): boolean | undefined {
  const q = useQuery<{ needs_setup: boolean }, ApiError>({
    queryKey: ['setup'],
    queryFn: () => apiFetch<{ needs_setup: boolean }>('/admin/v1/setup'),
    enabled,
    retry: false,
    staleTime: 30_000,
  })
  return q.data?.needs_setup
}

export function createFirstAdmin(body: { token: string; email: string; password: string; name?: string }): Promise<unknown> {
  return apiFetch('/admin/v1/setup', { method: 'POST', body })
}
