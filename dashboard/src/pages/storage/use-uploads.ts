import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useRef, useState } from 'react'
import { errorMessage } from '../../lib/api'
import { filesKey } from './queries'
import { useStorageAuth } from './service-fetch'
import { createResumable, RESUMABLE_FROM, uploadSimple } from './upload'

export interface UploadItem {
  id: number
  name: string
  size: number
  loaded: number
  method: 'simple' | 'resumable'
  status: 'uploading' | 'done' | 'error'
  error?: string
  /** A failed resumable upload: carry on from the last byte the server has. */
  resume?: () => void
  abort?: () => void
}

/** The uploads of one bucket's browser: started here, listed with their progress. */
export function useUploads(bucket: string) {
  const auth = useStorageAuth()
  const qc = useQueryClient()
  const [items, setItems] = useState<UploadItem[]>([])
  const next = useRef(1)
  const patch = useCallback((id: number, p: Partial<UploadItem>) => setItems((xs) => xs.map((x) => (x.id === id ? { ...x, ...p } : x))), [])
  const refresh = useCallback(() => void qc.invalidateQueries({ queryKey: filesKey(bucket) }), [qc, bucket])

  const start = useCallback(
    async (files: File[], prefix: string) => {
      const headers = await auth.headers()
      for (const file of files) {
        const id = next.current++
        const name = `${prefix}${file.name}`
        const method = file.size > RESUMABLE_FROM ? 'resumable' : 'simple'
        setItems((xs) => [...xs, { id, name, size: file.size, loaded: 0, method, status: 'uploading' }])
        const target = { bucket, name, headers, onProgress: (loaded: number) => patch(id, { loaded }) }
        if (method === 'simple') {
          const up = uploadSimple(file, target)
          patch(id, { abort: up.abort })
          up.done.then(
            () => {
              patch(id, { status: 'done', loaded: file.size, abort: undefined })
              refresh()
            },
            (err: unknown) => patch(id, { status: 'error', error: errorMessage(err), abort: undefined }),
          )
        } else {
          const up = createResumable(file, target, {
            onSuccess: () => {
              patch(id, { status: 'done', loaded: file.size, resume: undefined, abort: undefined })
              refresh()
            },
            onError: (err) => patch(id, { status: 'error', error: err.message, resume, abort: undefined }),
            freshHeaders: auth.headers,
          })
          const resume = () => {
            patch(id, { status: 'uploading', error: undefined, resume: undefined, abort: () => void up.abort() })
            up.start()
          }
          resume()
        }
      }
    },
    [auth, bucket, patch, refresh],
  )
  const clearFinished = useCallback(() => setItems((xs) => xs.filter((x) => x.status === 'uploading')), [])
  return { items, start, clearFinished }
}
