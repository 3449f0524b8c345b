/**
 * Turns an upload request into one byte stream plus its declared type, without buffering it:
 * a raw body is streamed as is; multipart/form-data is parsed by busboy as it arrives and the
 * first file part is the object (fields before it: `metadata` as JSON, `contentType`,
 * `cacheControl`). Cache-Control comes as supabase-js sends it: the `cache-control` header of a
 * raw body, or a form field of seconds (`3600` → `max-age=3600`).
 */
import busboy from 'busboy'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import type { Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/index.js'
import { ApiError } from '../errors/index.js'
import { MimeType, parseInput } from './schemas.js'

export interface UploadBody {
  body: Readable
  contentType: string
  contentLength?: number | undefined
  metadata?: Record<string, unknown> | undefined
  cacheControl?: string | undefined
}

/** A Cache-Control value to store and send back: printable ASCII, so it cannot split a header. */
const CacheControl = z.string().regex(/^[\x20-\x7e]{1,256}$/, 'expected a Cache-Control value of at most 256 printable characters')
const cacheControlOf = (raw: string | undefined, target: string) => {
  if (raw === undefined || raw === '') return undefined
  const value = parseInput(CacheControl, raw.trim(), target)
  return /^\d+$/.test(value) ? `max-age=${value}` : value
}

const Metadata = z.record(z.string(), z.unknown())
const parseMetadata = (raw: string | undefined, target: string) => {
  if (raw === undefined || raw === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ApiError('INVALID_INPUT', { message: `Invalid ${target}: expected a JSON object` })
  }
  return parseInput(Metadata, value, target)
}

/**
 * The request body as a Node stream. Under the Node server, the IncomingMessage itself: going
 * through the fetch Request would add two stream conversions (and their buffers) per upload.
 */
function nodeStream(c: Context<AppEnv>): Readable {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming
  if (incoming instanceof Readable) return incoming
  const body = c.req.raw.body
  if (!body) return Readable.from([])
  return Readable.fromWeb(body as unknown as NodeWebStream<Uint8Array>)
}

export async function readUploadBody(c: Context<AppEnv>): Promise<UploadBody> {
  const header = c.req.header('content-type') ?? 'application/octet-stream'
  const metadataHeader = c.req.header('x-metadata')
  if (!/^multipart\/form-data/i.test(header)) {
    const length = c.req.header('content-length') ?? null
    return {
      body: nodeStream(c),
      contentType: parseInput(MimeType, header.split(';')[0]!.trim(), 'header content-type'),
      contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : undefined,
      metadata: metadataHeader ? parseMetadata(Buffer.from(metadataHeader, 'base64').toString('utf8'), 'header x-metadata') : undefined,
      cacheControl: cacheControlOf(c.req.header('cache-control'), 'header cache-control'),
    }
  }
  return readMultipart(c, header)
}

function readMultipart(c: Context<AppEnv>, header: string): Promise<UploadBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: { 'content-type': header }, limits: { files: 1, fields: 20, fieldSize: 64 * 1024 } })
    } catch (err) {
      reject(new ApiError('INVALID_INPUT', { message: 'Invalid multipart/form-data body', cause: err }))
      return
    }
    const fields: Record<string, string> = {}
    let found = false
    parser.on('field', (name, value) => (fields[name] = value))
    parser.on('file', (_name, file, info) => {
      if (found) return file.resume()
      found = true
      // The file stream may be destroyed with an error (below) after whoever took it stopped
      // listening, or before anyone started: an 'error' without a listener would end the process.
      file.on('error', () => undefined)
      try {
        const declared = fields.contentType ?? info.mimeType ?? 'application/octet-stream'
        // Errors of the request body reach the file stream, so the upload sees an abort.
        parser.on('error', (err) =>
          file.destroy(new ApiError('INVALID_INPUT', { message: 'Invalid multipart/form-data body', details: (err as Error).message, cause: err })),
        )
        resolve({
          body: file,
          contentType: parseInput(MimeType, declared.split(';')[0]!.trim(), 'form field contentType'),
          metadata: parseMetadata(fields.metadata, 'form field metadata'),
          cacheControl: cacheControlOf(fields.cacheControl, 'form field cacheControl'),
        })
      } catch (err) {
        file.resume()
        reject(err)
      }
    })
    // `on`, not `once`: busboy may report more than one error for one cut body.
    parser.on('error', (err) => {
      if (!found) reject(new ApiError('INVALID_INPUT', { message: 'Invalid multipart/form-data body', cause: err }))
    })
    parser.once('close', () => {
      if (!found) reject(new ApiError('INVALID_INPUT', { message: 'The form has no file part', hint: 'Send the file in a form field' }))
    })
    const source = nodeStream(c)
    source.on('error', (err) => parser.destroy(err))
    source.pipe(parser)
  })
}
