/**
 * SQL on storage.buckets / storage.objects. Each function takes the transaction it is handed:
 * the caller's (RLS decides) or the service role's (bucket settings, signed and public reads).
 * Every value is a bound parameter; the one dynamic identifier (sort column) comes from an enum.
 */
import { sql, type Kysely } from 'kysely'

// The storage tables are reached through raw SQL, not the platform's Kysely table map.
type Trx = Kysely<any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BucketRow {
  id: string
  name: string
  public: boolean
  file_size_limit: number | null
  allowed_mime_types: string[] | null
  owner: string | null
  created_at: Date
  updated_at: Date
}

export interface ObjectRow {
  id: string
  bucket_id: string
  name: string
  owner: string | null
  size: number
  mime_type: string
  etag: string
  version: string
  user_metadata: Record<string, unknown>
  cache_control: string | null
  created_at: Date
  updated_at: Date
  last_accessed_at: Date
}

/** A literal for LIKE (backslash is Postgres's default LIKE escape). */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c)

const BUCKET_COLS = sql`id, name, public, file_size_limit::float8 as file_size_limit, allowed_mime_types, owner, created_at, updated_at`
const OBJECT_COLS = sql`id, bucket_id, name, owner, size::float8 as size, mime_type, etag, version, user_metadata, cache_control, created_at, updated_at, last_accessed_at`

export async function findBucket(trx: Trx, id: string): Promise<BucketRow | undefined> {
  const r = await sql<BucketRow>`select ${BUCKET_COLS} from storage.buckets where id = ${id}`.execute(trx)
  return r.rows[0]
}

export const BUCKET_SORT_COLUMNS = ['id', 'name', 'created_at', 'updated_at'] as const

export interface BucketListQuery {
  limit?: number | undefined
  offset?: number | undefined
  search?: string | undefined
  sortColumn?: (typeof BUCKET_SORT_COLUMNS)[number] | undefined
  sortOrder?: 'asc' | 'desc' | undefined
}

export async function listBuckets(trx: Trx, q: BucketListQuery = {}): Promise<BucketRow[]> {
  const search = q.search ? sql`where name ilike ${'%' + escapeLike(q.search) + '%'}` : sql``
  const order = sql.raw(`${q.sortColumn ?? 'name'} ${q.sortOrder === 'desc' ? 'desc' : 'asc'}, id`)
  const page = sql`limit ${q.limit ?? null} offset ${q.offset ?? 0}`
  return (await sql<BucketRow>`select ${BUCKET_COLS} from storage.buckets ${search} order by ${order} ${page}`.execute(trx)).rows
}

export interface BucketInput {
  public?: boolean | undefined
  file_size_limit?: number | null | undefined
  allowed_mime_types?: string[] | null | undefined
}

export async function insertBucket(trx: Trx, id: string, input: BucketInput, owner: string | null): Promise<BucketRow> {
  const r = await sql<BucketRow>`
    insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types, owner)
    values (${id}, ${id}, ${input.public ?? false}, ${input.file_size_limit ?? null}, ${input.allowed_mime_types ?? null}, ${owner})
    returning ${BUCKET_COLS}`.execute(trx)
  return r.rows[0]!
}

export async function updateBucket(trx: Trx, id: string, input: BucketInput): Promise<BucketRow | undefined> {
  const r = await sql<BucketRow>`
    update storage.buckets set
      public = coalesce(${input.public ?? null}::boolean, public),
      file_size_limit = case when ${input.file_size_limit !== undefined} then ${input.file_size_limit ?? null}::bigint else file_size_limit end,
      allowed_mime_types = case when ${input.allowed_mime_types !== undefined} then ${input.allowed_mime_types ?? null}::text[] else allowed_mime_types end,
      updated_at = now()
    where id = ${id} returning ${BUCKET_COLS}`.execute(trx)
  return r.rows[0]
}

export async function deleteBucket(trx: Trx, id: string): Promise<boolean> {
  const r = await sql`delete from storage.buckets where id = ${id}`.execute(trx)
  return Number(r.numAffectedRows ?? 0) > 0
}

export async function hasObjects(trx: Trx, bucketId: string): Promise<boolean> {
  const r = await sql<{ x: number }>`select 1 as x from storage.objects where bucket_id = ${bucketId} limit 1`.execute(trx)
  return r.rows.length > 0
}

/** Returns the versions whose bytes must be removed after COMMIT. */
export async function deleteAllObjects(trx: Trx, bucketId: string): Promise<string[]> {
  const r = await sql<{ version: string }>`delete from storage.objects where bucket_id = ${bucketId} returning version`.execute(trx)
  return r.rows.map((x) => x.version)
}

export async function findObject(trx: Trx, bucketId: string, name: string): Promise<ObjectRow | undefined> {
  const r = await sql<ObjectRow>`select ${OBJECT_COLS} from storage.objects where bucket_id = ${bucketId} and name = ${name}`.execute(trx)
  return r.rows[0]
}

export interface NewObject {
  bucket_id: string
  name: string
  size: number
  mime_type: string
  etag: string
  version: string
  user_metadata: Record<string, unknown>
  cache_control?: string | null | undefined
}

/**
 * Inserts the row (RLS insert check), or with `upsert` replaces it (RLS update check too).
 * `old_version` names the bytes the replaced row pointed to.
 */
export async function insertObject(trx: Trx, o: NewObject, upsert: boolean): Promise<ObjectRow & { old_version: string | null }> {
  const values = sql`(${o.bucket_id}, ${o.name}, ${o.size}, ${o.mime_type}, ${o.etag}, ${o.version}, ${JSON.stringify(o.user_metadata)}::jsonb, ${o.cache_control ?? null})`
  if (!upsert) {
    const r = await sql<ObjectRow>`
      insert into storage.objects (bucket_id, name, size, mime_type, etag, version, user_metadata, cache_control) values ${values}
      returning ${OBJECT_COLS}`.execute(trx)
    return { ...r.rows[0]!, old_version: null }
  }
  // A statement of its own: FOR UPDATE inside the upsert would skip the row the upsert changes.
  // The lock makes two concurrent overwrites take turns, so each sees the other's version.
  const old = await sql<{ version: string }>`
    select version from storage.objects where bucket_id = ${o.bucket_id} and name = ${o.name} for update`.execute(trx)
  const r = await sql<ObjectRow>`
    insert into storage.objects as o (bucket_id, name, size, mime_type, etag, version, user_metadata, cache_control) values ${values}
    on conflict (bucket_id, name) do update set size = excluded.size, mime_type = excluded.mime_type, etag = excluded.etag,
      version = excluded.version, user_metadata = excluded.user_metadata, cache_control = excluded.cache_control,
      owner = auth.uid(), updated_at = now()
    returning ${OBJECT_COLS}`.execute(trx)
  return { ...r.rows[0]!, old_version: old.rows[0]?.version ?? null }
}

export const SORT_COLUMNS = ['name', 'created_at', 'updated_at', 'size'] as const

export interface ListQuery {
  prefix: string
  search?: string | undefined
  limit: number
  offset: number
  sortBy: (typeof SORT_COLUMNS)[number]
  order: 'asc' | 'desc'
}

export async function listObjects(trx: Trx, bucketId: string, q: ListQuery): Promise<ObjectRow[]> {
  const like = escapeLike
  const order = sql.raw(`${q.sortBy} ${q.order === 'desc' ? 'desc' : 'asc'}, name ${q.order === 'desc' ? 'desc' : 'asc'}`)
  const search = q.search ? sql`and storage.filename(name) ilike ${'%' + like(q.search) + '%'}` : sql``
  const r = await sql<ObjectRow>`
    select ${OBJECT_COLS} from storage.objects
    where bucket_id = ${bucketId} and name like ${like(q.prefix) + '%'} ${search}
    order by ${order} limit ${q.limit} offset ${q.offset}`.execute(trx)
  return r.rows
}

/** Renames within the bucket, or (with `to.version`, the bytes copied there first) into another bucket. */
export async function renameObject(
  trx: Trx,
  bucketId: string,
  from: string,
  to: { bucket_id: string; name: string; version?: string | undefined },
): Promise<(ObjectRow & { old_version: string }) | undefined> {
  const r = await sql<ObjectRow & { old_version: string }>`
    update storage.objects o set bucket_id = ${to.bucket_id}, name = ${to.name}, version = coalesce(${to.version ?? null}, o.version),
      owner = coalesce(auth.uid(), o.owner), updated_at = now()
    from (select id as old_id, version as old_version from storage.objects where bucket_id = ${bucketId} and name = ${from} for update) old
    where o.id = old.old_id returning ${OBJECT_COLS}, old.old_version`.execute(trx)
  return r.rows[0]
}

/** Which of `names` exist in the bucket and the caller may read (one round trip for many). */
export async function findReadableNames(trx: Trx, bucketId: string, names: string[]): Promise<Set<string>> {
  const r = await sql<{ name: string }>`
    select name from storage.objects where bucket_id = ${bucketId} and name = any(${names}::text[])`.execute(trx)
  return new Set(r.rows.map((x) => x.name))
}

export async function deleteObjects(trx: Trx, bucketId: string, names: string[]): Promise<ObjectRow[]> {
  const r = await sql<ObjectRow>`
    delete from storage.objects where bucket_id = ${bucketId} and name = any(${names}::text[]) returning ${OBJECT_COLS}`.execute(trx)
  return r.rows
}
