import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { Button, ConfirmDialog, CopyButton, Spinner, useToast } from '../../components'
import { errorMessage } from '../../lib/api'
import { formatBytes, formatDateTime } from '../../lib/format'
import { filesKey } from './queries'
import { encodePath, storageFetch, useStorageAuth } from './service-fetch'
import { SignedUrl } from './SignedUrl'
import type { Bucket, FileEntry } from './types'

/** The downloaded bytes as an object URL (a private bucket's image needs the admin's auth). */
function usePreview(bucket: string, name: string, isImage: boolean) {
  const { download } = useStorageAuth()
  const [state, setState] = useState<{ url?: string; error?: string; loading: boolean }>({ loading: isImage })
  useEffect(() => {
    if (!isImage) return
    const ctrl = new AbortController()
    let url: string | undefined
    setState({ loading: true })
    download(bucket, name, ctrl.signal).then(
      (blob) => {
        url = URL.createObjectURL(blob)
        setState({ url, loading: false })
      },
      (err: unknown) => !ctrl.signal.aborted && setState({ error: errorMessage(err), loading: false }),
    )
    return () => {
      ctrl.abort()
      if (url) URL.revokeObjectURL(url)
    }
  }, [bucket, name, isImage, download])
  return state
}

export function FileDetail({ bucket, name, entry, onClose }: { bucket: Bucket; name: string; entry: FileEntry; onClose: () => void }) {
  const mime = entry.metadata?.mimetype ?? ''
  const preview = usePreview(bucket.id, name, mime.startsWith('image/'))
  const { download, publicBase } = useStorageAuth()
  const [deleting, setDeleting] = useState(false)
  const [downloading, setDownloading] = useState(false)
  const qc = useQueryClient()
  const toast = useToast()
  const publicUrl = `${publicBase}/storage/v1/object/public/${bucket.id}/${encodePath(name)}`

  const save = async () => {
    setDownloading(true)
    try {
      const url = URL.createObjectURL(await download(bucket.id, name))
      const a = document.createElement('a')
      a.href = url
      a.download = name.split('/').pop() ?? 'download'
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (err) {
      toast.error(err)
    } finally {
      setDownloading(false)
    }
  }

  return (
    <aside className="card storage-detail" aria-label="File details">
      <header className="storage-detail-head">
        <h2 title={name}>{name.split('/').pop()}</h2>
        <button type="button" className="icon-btn" aria-label="Close file details" onClick={onClose}>×</button>
      </header>
      {mime.startsWith('image/') && (
        <div className="storage-preview">
          {preview.loading ? <Spinner /> : preview.error ? <p className="error-message">{preview.error}</p> : <img src={preview.url} alt={`Preview of ${name}`} />}
        </div>
      )}
      <dl className="kv storage-kv">
        <dt>Path</dt>
        <dd><code>{name}</code></dd>
        <dt>Size</dt>
        <dd>{formatBytes(entry.metadata?.size)}</dd>
        <dt>Type</dt>
        <dd>{mime || '—'}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(entry.updated_at)}</dd>
      </dl>
      <div className="storage-detail-actions">
        <Button onClick={() => void save()} loading={downloading}>Download</Button>
        <Button variant="danger" onClick={() => setDeleting(true)}>Delete</Button>
      </div>
      <SignedUrl bucket={bucket.id} name={name} />
      {bucket.public && (
        <section className="storage-url" aria-label="Public URL">
          <h3>Public URL</h3>
          <div className="secret">
            <code>{publicUrl}</code>
            <CopyButton value={publicUrl} label="Copy public URL" what="URL" />
          </div>
        </section>
      )}
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title="Delete this file?"
        confirmLabel="Delete file"
        danger
        onConfirm={async () => {
          await storageFetch(`/object/${bucket.id}`, { method: 'DELETE', body: { prefixes: [name] } })
          await qc.invalidateQueries({ queryKey: filesKey(bucket.id) })
          toast.success(`Deleted ${name}`)
          onClose()
        }}
      >
        <p><code>{name}</code> is deleted for good; signed URLs to it stop working.</p>
      </ConfirmDialog>
    </aside>
  )
}
