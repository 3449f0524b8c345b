import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { ApiError } from '../errors/index.js'

/**
 * The request body as text, at most `limit` bytes (413 beyond). Under the Node server it reads the
 * IncomingMessage directly: going through `c.req.text()` makes the adapter build a fetch Request
 * and a web stream for every write request. Elsewhere (app.request in tests), or once that Request
 * exists, it reads the Request.
 */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const incoming = untakenIncoming(c)
  if (!incoming) {
    const text = await c.req.text()
    if (Buffer.byteLength(text) > limit) throw tooLarge(limit)
    return text
  }
  return readIncomingText(incoming, limit)
}

/** The request body as bytes (a raw `application/octet-stream` body), at most `limit` bytes (413 beyond). */
export async function readBodyBytes(c: Context, limit: number): Promise<Buffer> {
  const incoming = untakenIncoming(c)
  if (!incoming) {
    const bytes = Buffer.from(await c.req.arrayBuffer())
    if (bytes.length > limit) throw tooLarge(limit)
    return bytes
  }
  return readIncomingBytes(incoming, limit)
}

/**
 * The Node request under the adapter, while its body is still unread. Taken already: something
 * built the adapter's fetch Request (reading `c.req.raw.signal`, say), which wraps the stream and
 * reads it; its 'data' events are gone, so the caller reads that Request instead.
 */
function untakenIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  return !incoming || incoming.readableFlowing !== null || incoming.readableEnded ? undefined : incoming
}

/** A Node request's body as text: its bytes (readIncomingBytes) read as UTF-8. */
export async function readIncomingText(incoming: IncomingMessage, limit: number): Promise<string> {
  return (await readIncomingBytes(incoming, limit)).toString('utf8')
}

/**
 * A Node request's body, at most `limit` bytes (413 beyond). Past the limit it stops
 * keeping the bytes but lets the rest of the body drain, so the 413 reaches the client on its
 * keep-alive connection; destroying the request instead would cut the socket before the answer.
 */
export function readIncomingBytes(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      done()
      chunks.length = 0
      incoming.resume() // discard what is still coming
      reject(tooLarge(limit))
    }
    const onEnd = () => {
      done()
      resolve(Buffer.concat(chunks))
    }
    const onError = (err: Error) => {
      done()
      reject(err)
    }
    // The client went away before the end: nothing to answer, but the promise must settle.
    const onClose = () => onError(new Error('the request was aborted before its body ended'))
    const done = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
    }
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

const tooLarge = (limit: number) => new ApiError('PAYLOAD_TOO_LARGE', { details: `The limit is ${limit} bytes`, hint: 'Send a smaller body' })
