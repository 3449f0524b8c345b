/** Listing entries → the JSON supabase-js reads (`FileObject` for list, `SearchV2Object` for list-v2). */
import { z } from '@hono/zod-openapi'
import type { EntryRow } from './list-queries.js'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export const FileMetadata = z
  .object({
    eTag: z.string(),
    size: z.number(),
    mimetype: z.string(),
    cacheControl: z.string(),
    lastModified: z.string(),
    contentLength: z.number(),
    httpStatusCode: z.number(),
  })
  .openapi('StorageFileMetadata')

export const FileEntry = z
  .object({
    name: z.string(),
    id: z.string().nullable(),
    updated_at: z.string().nullable(),
    created_at: z.string().nullable(),
    last_accessed_at: z.string().nullable(),
    metadata: FileMetadata.nullable(),
  })
  .openapi('StorageFileEntry')

/** What Supabase keeps in `objects.metadata`, built from Floe's columns. */
export function fileMetadata(row: { size: number; mime_type: string; etag: string; cache_control: string | null; updated_at: Date }) {
  return {
    eTag: row.etag,
    size: row.size,
    mimetype: row.mime_type,
    cacheControl: row.cache_control ?? 'no-cache',
    lastModified: row.updated_at.toISOString(),
    contentLength: row.size,
    httpStatusCode: 200,
  }
}

export function toFileEntry(e: EntryRow, name: string): z.infer<typeof FileEntry> {
  return {
    name,
    id: e.id,
    updated_at: iso(e.updated_at),
    created_at: iso(e.created_at),
    last_accessed_at: iso(e.last_accessed_at),
    metadata: e.id === null ? null : fileMetadata({ size: e.size!, mime_type: e.mime_type!, etag: e.etag!, cache_control: e.cache_control, updated_at: e.updated_at! }),
  }
}
