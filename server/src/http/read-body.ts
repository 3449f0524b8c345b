import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { ApiError } from '../errors/index.js'

/**
 * The request body as text, at most `limit` bytes (413 beyond). Under the Node server it reads the
 * IncomingMessage directly: going through `c.req.text()` makes the adapter build a fetch Request
 * and a web stream for every write request. Elsewhere (app.request in tests) it uses the Request.
 */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming) {
    const text = await c.req.text()
    if (Buffer.byteLength(text) > limit) throw tooLarge(limit)
    return text
  }
  return readIncomingText(incoming, limit)
}

/** A Node request's body as text, at most `limit` bytes (413 beyond). */
export async function readIncomingText(incoming: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const tooLarge = (limit: number) => new ApiError('PAYLOAD_TOO_LARGE', { details: `The limit is ${limit} bytes`, hint: 'Send a smaller body' })
