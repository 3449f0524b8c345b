/**
 * Storage: buckets (create, settings, empty, delete) and a file browser per bucket (folders,
 * uploads with progress, preview, download, delete, signed and public URLs). Every call runs as
 * the service role through the admin's own session (service-fetch.ts).
 */
import { useState } from 'react'
import { useSearchParams } from 'react-router'
import { Button, EmptyState, ErrorState, Loading, PageHeader } from '../../components'
import { BucketDialog } from './BucketDialog'
import { FileBrowser } from './FileBrowser'
import { useBuckets } from './queries'
import './storage.css'

export default function StoragePage() {
  const [params, setParams] = useSearchParams()
  const [creating, setCreating] = useState(false)
  const buckets = useBuckets()
  const current = params.get('bucket') ?? undefined
  const prefix = params.get('path') ?? ''
  const open = (bucket: string | undefined, path = '') => setParams(bucket ? (path ? { bucket, path } : { bucket }) : {})
  const bucket = buckets.data?.find((b) => b.id === current)

  return (
    <>
      <PageHeader
        title="Storage"
        description="Buckets and files. Private buckets are read through rules or signed URLs; public ones by anyone with the link."
        actions={<Button variant="primary" onClick={() => setCreating(true)}>New bucket</Button>}
      />
      {buckets.isPending ? (
        <Loading label="Loading buckets…" />
      ) : buckets.error ? (
        <ErrorState error={buckets.error} title="Could not load buckets" onRetry={() => void buckets.refetch()} />
      ) : (
        <div className="storage-layout">
          <nav className="storage-buckets card" aria-label="Buckets">
            <h2>Buckets</h2>
            {buckets.data.length === 0 ? (
              <p className="muted">No buckets yet.</p>
            ) : (
              <ul>
                {buckets.data.map((b) => (
                  <li key={b.id}>
                    <button
                      type="button"
                      className={`storage-bucket${b.id === current ? ' active' : ''}`}
                      aria-current={b.id === current ? 'true' : undefined}
                      onClick={() => open(b.id)}
                    >
                      <span className="storage-bucket-name">{b.name}</span>
                      {b.public && <span className="badge badge-on">public</span>}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </nav>
          <section className="storage-main" aria-label="Files">
            {bucket ? (
              <FileBrowser key={bucket.id} bucket={bucket} prefix={prefix} onNavigate={(p) => open(bucket.id, p)} onBucketGone={() => open(undefined)} />
            ) : current ? (
              <EmptyState title="No such bucket">“{current}” does not exist (any more).</EmptyState>
            ) : (
              <EmptyState title="Choose a bucket" action={<Button onClick={() => setCreating(true)}>New bucket</Button>}>
                Pick a bucket on the left to browse its files, or create one.
              </EmptyState>
            )}
          </section>
        </div>
      )}
      <BucketDialog open={creating} onClose={() => setCreating(false)} onSaved={(id) => open(id)} />
    </>
  )
}
