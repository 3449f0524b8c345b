/**
 * On-the-fly image transforms with sharp: width, height, resize mode, quality, format. Results
 * are cached in the object store next to the original's bytes (`<bucket>/<version>.render.<hash>`),
 * so every replica shares them and a new upload (new version) never serves a stale render.
 * Renders are bounded (STORAGE_IMAGE_MAX_DIMENSION, STORAGE_IMAGE_MAX_INPUT_SIZE, sharp's pixel
 * limit), so they are built in memory.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import sharp from 'sharp'
import { z } from 'zod'
import { ApiError } from '../errors/index.js'
import type { ObjectStore } from './object-store.js'

/** A render of an object's version is stored at `<version key>` + this + a hash of its options. */
export const RENDER_SUFFIX = '.render.'
import type { ObjectRow } from './queries.js'

export const RenderQuery = z.object({
  width: z.coerce.number().int().min(1).optional(),
  height: z.coerce.number().int().min(1).optional(),
  resize: z.enum(['cover', 'contain', 'fill']).default('cover'),
  quality: z.coerce.number().int().min(20).max(100).default(80),
  format: z.enum(['origin', 'webp', 'png', 'jpeg', 'avif']).default('origin'),
})
export type RenderOptions = z.output<typeof RenderQuery>

const OUTPUT_TYPES: Record<string, string> = { webp: 'image/webp', png: 'image/png', jpeg: 'image/jpeg', avif: 'image/avif' }
const FROM_TYPE: Record<string, 'webp' | 'png' | 'jpeg' | 'avif'> = { 'image/webp': 'webp', 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/avif': 'avif' }

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

export async function renderImage(
  store: ObjectStore,
  row: ObjectRow,
  options: RenderOptions,
  limits: { maxDimension: number; maxInputSize: number },
): Promise<Response> {
  if (!row.mime_type.startsWith('image/')) throw new ApiError('INVALID_INPUT', { message: 'Only images can be transformed', details: row.mime_type })
  if (row.size > limits.maxInputSize) throw new ApiError('STORAGE_OBJECT_TOO_LARGE', { details: `Transforms read images up to ${limits.maxInputSize} bytes` })
  if ((options.width ?? 0) > limits.maxDimension || (options.height ?? 0) > limits.maxDimension) {
    throw new ApiError('INVALID_INPUT', { message: `width and height are at most ${limits.maxDimension}` })
  }
  const format = options.format === 'origin' ? (FROM_TYPE[row.mime_type] ?? 'png') : options.format
  const hash = createHash('sha256').update(JSON.stringify({ ...options, format })).digest('hex').slice(0, 24)
  const key = `${row.bucket_id}/${row.version}${RENDER_SUFFIX}${hash}`
  let output = await store.get(key).then(collect, () => undefined)
  if (!output) {
    const input = await collect(await store.get(`${row.bucket_id}/${row.version}`))
    try {
      output = await sharp(input, { limitInputPixels: 100_000_000 })
        .rotate() // honour EXIF orientation before resizing
        .resize({ width: options.width, height: options.height, fit: options.resize, withoutEnlargement: true })
        .toFormat(format, { quality: options.quality })
        .toBuffer()
    } catch (err) {
      throw new ApiError('INVALID_INPUT', { message: 'The image could not be transformed', details: (err as Error).message, cause: err })
    }
    await store.put(key, Readable.from([output]), OUTPUT_TYPES[format]!)
  }
  return new Response(new Uint8Array(output), {
    headers: {
      'Content-Type': OUTPUT_TYPES[format]!,
      'Content-Length': String(output.length),
      ETag: `"${createHash('md5').update(row.etag + hash).digest('hex')}"`,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
