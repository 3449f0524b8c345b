/**
 * The checks an upload passes WHILE it streams: the size limit (bucket and global), the MIME
 * allow-list (declared type and the type sniffed from the first bytes), and the MD5 that becomes
 * the ETag. A violation errors the stream at once, so the store stops writing and the service
 * never commits a row; nothing is buffered beyond the sniffing window.
 */
import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { ApiError } from '../errors/index.js'

/** Magic numbers of the types people most often restrict buckets to. */
const SIGNATURES: { type: string; offset: number; bytes: number[] }[] = [
  { type: 'image/png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/webp', offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
  { type: 'application/pdf', offset: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'application/zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/gzip', offset: 0, bytes: [0x1f, 0x8b] },
  { type: 'application/x-msdownload', offset: 0, bytes: [0x4d, 0x5a] },
  { type: 'application/x-elf', offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
]
const SNIFF_BYTES = 16

export function sniffMimeType(head: Buffer): string | undefined {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => head[s.offset + i] === b))?.type
}

/** `image/*` and `*\/*` patterns, compared without parameters (`; charset=...`). */
export function isMimeAllowed(type: string, allowed: readonly string[] | null | undefined): boolean {
  if (!allowed || allowed.length === 0) return true
  const t = type.split(';')[0]!.trim().toLowerCase()
  return allowed.some((pattern) => {
    const p = pattern.trim().toLowerCase()
    return p === '*/*' || p === t || (p.endsWith('/*') && t.startsWith(p.slice(0, -1)))
  })
}

export interface GuardLimits {
  maxBytes: number
  /** Which limit `maxBytes` is, for the error message. */
  limitName: string
  allowedMimeTypes: readonly string[] | null
  declaredType: string
}

export interface GuardResult {
  size: number
  etag: string
}

export class UploadGuard extends Transform {
  private size = 0
  private readonly md5 = createHash('md5')
  private head: Buffer[] = []
  private headLength = 0
  private sniffed = false

  constructor(private readonly limits: GuardLimits) {
    super()
  }

  result(): GuardResult {
    return { size: this.size, etag: `"${this.md5.digest('hex')}"` }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.limits.maxBytes) {
      done(new ApiError('STORAGE_OBJECT_TOO_LARGE', {
        details: `${this.limits.limitName} is ${this.limits.maxBytes} bytes`,
        hint: 'Upload a smaller file',
      }))
      return
    }
    this.md5.update(chunk)
    if (!this.sniffed) {
      this.head.push(chunk)
      this.headLength += chunk.length
      if (this.headLength >= SNIFF_BYTES) {
        const err = this.checkSniffed()
        if (err) return done(err)
      }
    }
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    done(this.sniffed ? null : this.checkSniffed())
  }

  private checkSniffed(): ApiError | null {
    this.sniffed = true
    const sniffed = sniffMimeType(Buffer.concat(this.head))
    this.head = []
    // A declared type the bucket allows is not enough: the bytes must not say otherwise.
    if (sniffed && !isMimeAllowed(sniffed, this.limits.allowedMimeTypes)) {
      return new ApiError('STORAGE_MIME_TYPE_NOT_ALLOWED', {
        details: `The content looks like ${sniffed}, declared as ${this.limits.declaredType}`,
        hint: `Allowed: ${this.limits.allowedMimeTypes?.join(', ')}`,
      })
    }
    return null
  }
}
