/**
 * Download responses: streamed bytes with the headers browsers and caches expect, a single
 * `Range` (206, or 416 with `Content-Range: bytes *\/size`), and `If-None-Match` → 304.
 */
import type { Readable } from 'node:stream'
import { ApiError } from '../errors/index.js'
import type { ByteRange } from './object-store.js'
import type { ObjectRow } from './queries.js'

/** One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; several ranges are served whole (RFC 9110 allows it). */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return header.includes(',') ? undefined : 'unsatisfiable'
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
}

export function contentDisposition(name: string, download: string | undefined): string {
  const filename = download !== undefined && download !== '' ? download : name.split('/').pop()!
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `${download !== undefined ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

export interface DownloadRequest {
  method: string
  range: string | undefined
  ifNoneMatch: string | undefined
  download: string | undefined
  cacheControl: string
}

export async function downloadResponse(
  row: ObjectRow,
  read: (range?: ByteRange) => Promise<Readable>,
  req: DownloadRequest,
): Promise<Response> {
  const headers = new Headers({
    'Content-Type': row.mime_type,
    ETag: row.etag,
    'Last-Modified': row.updated_at.toUTCString(),
    'Accept-Ranges': 'bytes',
    'Cache-Control': req.cacheControl,
    'Content-Disposition': contentDisposition(row.name, req.download),
    // Uploaded HTML or SVG must not run as this origin's page.
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  })
  if (etagMatches(req.ifNoneMatch, row.etag)) return new Response(null, { status: 304, headers })
  const range = parseRange(req.range, row.size)
  if (range === 'unsatisfiable') {
    throw new ApiError('STORAGE_RANGE_NOT_SATISFIABLE', { details: req.range ?? null, headers: { 'Content-Range': `bytes */${row.size}` } })
  }
  const length = range ? range.end - range.start + 1 : row.size
  headers.set('Content-Length', String(length))
  if (range) headers.set('Content-Range', `bytes ${range.start}-${range.end}/${row.size}`)
  const status = range ? 206 : 200
  if (req.method === 'HEAD' || length === 0) return new Response(null, { status, headers })
  return new Response(pullStream(await read(range)), { status, headers })
}

/**
 * A web stream that reads the store only when the client takes more (highWaterMark 0), so a
 * slow client holds back S3 instead of the server buffering the object. Readable.toWeb reads
 * ahead of its consumer, which for a fast store and a slow client means memory.
 */
function pullStream(stream: Readable): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next()
        if (done) controller.close()
        else controller.enqueue(value as Uint8Array)
      },
      cancel(reason) {
        stream.destroy(reason instanceof Error ? reason : undefined)
      },
    },
    { highWaterMark: 0 },
  )
}
