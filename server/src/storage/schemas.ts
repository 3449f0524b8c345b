/** zod schemas for storage inputs and outputs (shared by the route files). */
import { z } from '@hono/zod-openapi'
import { invalidInput } from '../errors/index.js'

/** Words the object routes use after /object/, so they cannot be bucket ids. */
const RESERVED = new Set(['public', 'sign', 'info', 'list', 'list-v2', 'upload', 'move', 'copy', 'authenticated'])

export const BucketId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{2,62}$/, 'expected 3-63 of a-z 0-9 . _ - starting with a letter or digit')
  .refine((v) => !RESERVED.has(v), 'is a reserved word')
  .openapi({ example: 'avatars' })

/** Object names are paths: no empty segment, no `.`/`..`, no control characters. */
export const ObjectName = z
  .string()
  .min(1)
  .max(1024)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
  .refine((v) => v.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'must be a path without empty, . or .. segments')

export const MimeType = z.string().regex(/^[\w.+*-]+\/[\w.+*-]+$/, 'expected a MIME type like image/png or image/*')

export const Bucket = z
  .object({
    id: z.string(),
    name: z.string(),
    public: z.boolean(),
    file_size_limit: z.number().nullable(),
    allowed_mime_types: z.array(z.string()).nullable(),
    owner: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Bucket')

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 }

/**
 * A size in bytes, or a string with a unit as Supabase takes it (`'1MB'`, `'100kb'`, `'1.5 GB'`).
 * Units are decimal (1MB = 1,000,000 bytes) as in Supabase, so a limit moved from there keeps
 * its meaning; Floe's own env settings (`1mb` = 1 MiB) are read elsewhere.
 */
export const FileSize = z
  .union([z.number(), z.string().max(40)])
  .transform((value, ctx) => {
    const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim()) : null
    const bytes = typeof value === 'number' ? value : m ? Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!) : NaN
    if (!(Number.isSafeInteger(bytes) && bytes >= 1)) {
      ctx.addIssue({ code: 'custom', message: `expected a size like 1048576, '100kb', '1MB' or '1 GB', got ${JSON.stringify(value)}` })
      return z.NEVER
    }
    return bytes
  })
  .openapi({ example: '1MB' })

/** Bucket settings as supabase-js sends them (`id` and `name` are the same; `type` only STANDARD). */
export const BucketSettings = z.object({
  public: z.boolean().optional(),
  file_size_limit: FileSize.nullable().optional(),
  allowed_mime_types: z.array(MimeType).max(100).nullable().optional(),
  type: z.enum(['STANDARD'], { error: 'only STANDARD buckets exist here (no ANALYTICS or vector buckets)' }).optional(),
})

export const StorageObject = z
  .object({
    id: z.string(),
    bucket_id: z.string(),
    name: z.string(),
    owner: z.string().nullable(),
    size: z.number(),
    mime_type: z.string(),
    etag: z.string(),
    user_metadata: z.record(z.string(), z.unknown()),
    cache_control: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('StorageObject')

export const Message = z.object({ message: z.string() }).openapi('StorageMessage')

/**
 * Validates a value outside zod-openapi's request slots (wildcard paths, headers, form fields,
 * bodies of plain routes). For a single value the target already says where (`path bucket`);
 * for an object (`body`) each issue names its field (`body.expiresIn`).
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, target: string, withPaths = false): z.output<T> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  throw invalidInput(target, r.error, { withPaths })
}

/**
 * GET /object/info: Supabase's shape (supabase-js `info()` camel-cases it: contentType,
 * cacheControl, lastModified, ...) next to Floe's own fields. The store's version key stays private.
 */
export function toInfo<T extends { created_at: Date; updated_at: Date; size: number; mime_type: string; etag: string; cache_control: string | null; user_metadata: Record<string, unknown> }>(row: T) {
  return {
    ...toJson(row),
    content_type: row.mime_type,
    cache_control: row.cache_control ?? 'no-cache',
    metadata: row.user_metadata,
    last_modified: row.updated_at.toISOString(),
  }
}

/** Rows → JSON: dates as ISO strings, the store's version key kept private. */
export function toJson<T extends { created_at: Date; updated_at: Date }>(row: T) {
  const { version: _v, old_version: _o, last_accessed_at: _l, ...rest } = row as T & { version?: unknown; old_version?: unknown; last_accessed_at?: unknown }
  return { ...rest, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() }
}
