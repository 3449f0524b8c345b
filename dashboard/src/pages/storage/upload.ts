/**
 * Two ways up: files up to RESUMABLE_FROM go in one XHR POST (progress from xhr.upload); bigger
 * ones through TUS at /storage/v1/upload/resumable in 6 MB chunks, which survive a dropped
 * connection: a failed upload keeps its URL and offset, and `start()` again resumes from there.
 */
import * as tus from 'tus-js-client'
import { ApiError } from '../../lib/api'
import { encodePath } from './service-fetch'

export const RESUMABLE_FROM = 6 * 1024 * 1024
const CHUNK = 6 * 1024 * 1024

export interface UploadTarget {
  bucket: string
  name: string
  headers: Record<string, string>
  onProgress: (loaded: number, total: number) => void
}

export interface RunningUpload {
  done: Promise<void>
  abort(): void
}

export function uploadSimple(file: Blob, t: UploadTarget): RunningUpload {
  const xhr = new XMLHttpRequest()
  const done = new Promise<void>((resolve, reject) => {
    xhr.open('POST', `/storage/v1/object/${t.bucket}/${encodePath(t.name)}`)
    for (const [k, v] of Object.entries(t.headers)) xhr.setRequestHeader(k, v)
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream')
    xhr.upload.onprogress = (e) => t.onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        t.onProgress(file.size, file.size)
        resolve()
      } else {
        void ApiError.fromResponse(new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText })).then(reject)
      }
    }
    xhr.onerror = () => reject(new Error('The upload was interrupted (network error)'))
    xhr.onabort = () => reject(new Error('Upload cancelled'))
    xhr.send(file)
  })
  return { done, abort: () => xhr.abort() }
}

/** A TUS upload; the returned `tus.Upload` can be started again to resume after a failure. */
export function createResumable(
  file: File,
  t: UploadTarget,
  handlers: { onSuccess: () => void; onError: (err: Error) => void; freshHeaders: () => Promise<Record<string, string>> },
): tus.Upload {
  return new tus.Upload(file, {
    endpoint: '/storage/v1/upload/resumable',
    // No `headers` option: a long upload (or one resumed later) outlives an access token, so each
    // request takes the current one here (XHR's setRequestHeader appends: setting both doubles them).
    onBeforeRequest: async (req) => {
      for (const [k, v] of Object.entries(await handlers.freshHeaders())) req.setHeader(k, v)
    },
    chunkSize: CHUNK,
    retryDelays: [0, 1000, 3000],
    removeFingerprintOnSuccess: true,
    metadata: { bucketName: t.bucket, objectName: t.name, contentType: file.type || 'application/octet-stream' },
    onProgress: (loaded, total) => t.onProgress(loaded, total),
    onSuccess: handlers.onSuccess,
    onError: (err) => {
      const res = (err as tus.DetailedError).originalResponse
      const body = res?.getBody()
      let message = err.message
      try {
        const parsed = body ? (JSON.parse(body) as { message?: string }) : undefined
        if (parsed?.message) message = parsed.message
      } catch {
        // not JSON: tus-js-client's own message says enough
      }
      handlers.onError(new Error(message))
    },
  })
}
