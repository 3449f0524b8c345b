/** zod schemas for storage inputs and outputs (shared by the route files). */
import { z } from '@hono/zod-openapi'
import { invalidInput } from '../errors/index.js'

/** Words the object routes use after /object/, so they cannot be bucket ids. */
const RESERVED = new Set(['public', 'sign', 'info', 'list', 'upload', 'move', 'copy', 'authenticated'])

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

export const BucketSettings = z.object({
  public: z.boolean().optional(),
  file_size_limit: z.number().int().positive().nullable().optional(),
  allowed_mime_types: z.array(MimeType).max(100).nullable().optional(),
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
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('StorageObject')

export const Message = z.object({ message: z.string() }).openapi('StorageMessage')

/** Validates a value outside zod-openapi's request slots (wildcard paths, headers, form fields). */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, target: string): z.output<T> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  // The target already says where (`path bucket`), so the message lists only what is wrong.
  throw invalidInput(target, r.error, { withPaths: false })
}

/** Rows → JSON: dates as ISO strings, the store's version key kept private. */
export function toJson<T extends { created_at: Date; updated_at: Date }>(row: T) {
  const { version: _v, old_version: _o, last_accessed_at: _l, ...rest } = row as T & { version?: unknown; old_version?: unknown; last_accessed_at?: unknown }
  return { ...rest, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() }
}
