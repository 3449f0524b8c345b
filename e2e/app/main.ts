/**
 * The browser app the e2e test drives: a Floe client made with `@floe/sdk` from the page's query
 * string (`?url=<Floe URL>&key=<anon key>`), and the flows as functions on `window.floeE2E`:
 * sign up and sign in with email and password, insert and select a row under an owner rule, and
 * upload a `File` with progress. Progress comes from Floe's TUS resumable endpoint
 * (`/storage/v1/upload/resumable`) through tus-js-client, as Supabase documents for progress
 * (storage-js's `upload()` reports none); the object is then downloaded with the SDK.
 */
import { createClient } from '@floe/sdk'
import { Upload } from 'tus-js-client'

/** The test's schema (made with SQL in the test's setup). */
type Database = {
  public: {
    Tables: {
      notes: {
        Row: { id: number; owner_id: string; body: string }
        Insert: { id?: never; owner_id?: string; body: string }
        Update: { id?: never; owner_id?: string; body?: string }
        Relationships: []
      }
    }
    Views: { [_ in never]: never }
    Functions: { [_ in never]: never }
    Enums: { [_ in never]: never }
    CompositeTypes: { [_ in never]: never }
  }
}

export interface UploadOutcome {
  path: string
  size: number
  sha256: string
  progress: Array<[sent: number, total: number]>
  downloadedSha256: string
  downloadedSize: number
}

export interface FloeE2E {
  signUpAndSignIn(email: string, password: string): Promise<{ userId: string; signedInAs: string }>
  insertAndSelect(body: string): Promise<{ inserted: { id: number; owner_id: string; body: string }; visible: string[] }>
  uploadFile(bucket: string, size: number): Promise<UploadOutcome>
}

declare global {
  interface Window {
    floeE2E: FloeE2E
  }
}

const params = new URLSearchParams(location.search)
const url = params.get('url') ?? ''
const key = params.get('key') ?? ''
const floe = createClient<Database>(url, key, { auth: { persistSession: true, autoRefreshToken: false } })

async function sha256(data: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await data.arrayBuffer())
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Random bytes (getRandomValues fills at most 64 KiB a call). */
function randomBlob(size: number): Blob {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)))
  return new Blob([bytes], { type: 'application/octet-stream' })
}

window.floeE2E = {
  async signUpAndSignIn(email, password) {
    const up = await floe.auth.signUp({ email, password })
    if (up.error) throw new Error(`sign up: ${up.error.message}`)
    const out = await floe.auth.signOut()
    if (out.error) throw new Error(`sign out: ${out.error.message}`)
    const inn = await floe.auth.signInWithPassword({ email, password })
    if (inn.error) throw new Error(`sign in: ${inn.error.message}`)
    const { data, error } = await floe.auth.getUser()
    if (error || !data.user) throw new Error(`get user: ${error?.message ?? 'no user'}`)
    return { userId: data.user.id, signedInAs: data.user.email ?? '' }
  },

  async insertAndSelect(body) {
    const ins = await floe.from('notes').insert({ body }).select().single()
    if (ins.error) throw new Error(`insert: ${ins.error.message}`)
    const sel = await floe.from('notes').select('body').order('id')
    if (sel.error) throw new Error(`select: ${sel.error.message}`)
    return { inserted: ins.data, visible: sel.data.map((r) => r.body) }
  },

  async uploadFile(bucket, size) {
    const { data: session } = await floe.auth.getSession()
    const token = session.session?.access_token
    const userId = session.session?.user.id
    if (!token || !userId) throw new Error('not signed in')
    const file = new File([randomBlob(size)], 'random.bin', { type: 'application/octet-stream' })
    const path = `${userId}/${file.name}`
    const progress: Array<[number, number]> = []
    await new Promise<void>((resolve, reject) => {
      const upload = new Upload(file, {
        endpoint: `${url}/storage/v1/upload/resumable`,
        headers: { authorization: `Bearer ${token}`, apikey: key, 'x-upsert': 'true' },
        metadata: { bucketName: bucket, objectName: path, contentType: file.type, cacheControl: '3600' },
        chunkSize: 256 * 1024,
        retryDelays: [],
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => progress.push([sent, total]),
        onError: (err) => reject(err),
        onSuccess: () => resolve(),
      })
      upload.start()
    })
    const down = await floe.storage.from(bucket).download(path)
    if (down.error) throw new Error(`download: ${down.error.message}`)
    return {
      path,
      size: file.size,
      sha256: await sha256(file),
      progress,
      downloadedSha256: await sha256(down.data),
      downloadedSize: down.data.size,
    }
  },
}

document.getElementById('status')!.textContent = 'ready'
