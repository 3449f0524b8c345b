/**
 * Listings as Supabase's storage answers them: one level under a prefix, the deeper names folded
 * into folder entries (`id` null), as `storage.search` (list) and `search_v2` (list-v2) do. The
 * folding runs in SQL under the caller's role, so a folder appears only if the caller may read
 * something in it. The prefix match uses the (bucket_id, name text_pattern_ops) index, so it is
 * case-sensitive (Supabase's is not); `search` is a case-insensitive start of the entry's name.
 */
import { sql, type Kysely } from 'kysely'
import { escapeLike } from './queries.js'

type Trx = Kysely<any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const ENTRY_SORT_COLUMNS = ['name', 'created_at', 'updated_at', 'last_accessed_at', 'size'] as const

export interface EntryQuery {
  /** Matched literally at the start of object names. */
  prefix: string
  /** Matched case-insensitively at the start of what follows the prefix. */
  search?: string | undefined
  /** Fold names with a `/` after the prefix into folder entries. */
  folders: boolean
  limit: number
  offset: number
  sortBy: (typeof ENTRY_SORT_COLUMNS)[number]
  order: 'asc' | 'desc'
}

/** A folder (id null, `rest` is its segment) or an object (`rest` is its name after the prefix). */
export interface EntryRow {
  rest: string
  id: string | null
  size: number | null
  mime_type: string | null
  etag: string | null
  cache_control: string | null
  created_at: Date | null
  updated_at: Date | null
  last_accessed_at: Date | null
}

export async function listEntries(trx: Trx, bucketId: string, q: EntryQuery): Promise<EntryRow[]> {
  const dir = q.order === 'desc' ? 'desc' : 'asc'
  const search = q.search ? sql`and lower(substr(name, char_length(${q.prefix}) + 1)) like ${escapeLike(q.search.toLowerCase()) + '%'}` : sql``
  // By name, folders and objects interleave (as Supabase's); by another column, folders come
  // first, in name order, then the objects.
  const byName = sql.raw(`lower(rest) collate "C" ${dir}, rest collate "C" ${dir}`)
  const order =
    q.sortBy === 'name'
      ? byName
      : sql.raw(`(id is null) desc, (case when id is null then lower(rest) end) collate "C" ${dir}, ${q.sortBy} ${dir}, rest collate "C" ${dir}`)
  const objects = sql`
    select substr(name, char_length(${q.prefix}) + 1) as rest, id, size::float8 as size, mime_type, etag, cache_control,
      created_at, updated_at, last_accessed_at
    from storage.objects
    where bucket_id = ${bucketId} and name like ${escapeLike(q.prefix) + '%'} ${search}`
  const entries = q.folders
    ? sql`
      with matched as (${objects})
      select split_part(rest, '/', 1) as rest, null::uuid as id, null::float8 as size, null::text as mime_type, null::text as etag,
        null::text as cache_control, null::timestamptz as created_at, null::timestamptz as updated_at, null::timestamptz as last_accessed_at
      from matched where strpos(rest, '/') > 0 group by 1
      union all
      select * from matched where strpos(rest, '/') = 0`
    : objects
  const r = await sql<EntryRow>`select * from (${entries}) e order by ${order} limit ${q.limit} offset ${q.offset}`.execute(trx)
  return r.rows
}
