/** Storage API answers (Supabase's shapes, server/src/storage/schemas.ts and list-entries.ts). */
export interface Bucket {
  id: string
  name: string
  public: boolean
  file_size_limit: number | null
  allowed_mime_types: string[] | null
  created_at: string
  updated_at: string
}

export interface FileEntry {
  name: string
  /** null for a folder. */
  id: string | null
  updated_at: string | null
  created_at: string | null
  metadata: { size?: number; mimetype?: string; [k: string]: unknown } | null
}

/** What Supabase's dashboard stores to make an empty folder exist. */
export const FOLDER_PLACEHOLDER = '.emptyFolderPlaceholder'
