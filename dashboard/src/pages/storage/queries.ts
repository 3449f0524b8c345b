import { useQuery } from '@tanstack/react-query'
import type { ApiError } from '../../lib/api'
import { storageFetch } from './service-fetch'
import type { Bucket, FileEntry } from './types'

export const bucketsKey = ['storage', 'buckets'] as const
export const filesKey = (bucket: string, prefix?: string) => (prefix === undefined ? ['storage', 'files', bucket] : ['storage', 'files', bucket, prefix])

export function useBuckets() {
  return useQuery<Bucket[], ApiError>({ queryKey: bucketsKey, queryFn: ({ signal }) => storageFetch<Bucket[]>('/bucket', { signal }) })
}

/** One folder level: sub-folders first (as the server sorts by name, folders carry id null). */
export function useFiles(bucket: string, prefix: string) {
  return useQuery<FileEntry[], ApiError>({
    queryKey: filesKey(bucket, prefix),
    queryFn: ({ signal }) =>
      storageFetch<FileEntry[]>(`/object/list/${bucket}`, { method: 'POST', body: { prefix, limit: 1000, offset: 0 }, signal }),
  })
}
