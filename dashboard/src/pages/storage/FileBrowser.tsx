import { useRef, useState, type DragEvent } from 'react'
import { Button, EmptyState, ErrorState, Loading } from '../../components'
import { formatBytes, formatRelative } from '../../lib/format'
import { BucketActions } from './BucketActions'
import { Breadcrumbs } from './Breadcrumbs'
import { FileDetail } from './FileDetail'
import { formatLimit } from './format-limit'
import { NewFolderDialog } from './NewFolderDialog'
import { useFiles } from './queries'
import { FOLDER_PLACEHOLDER, type Bucket, type FileEntry } from './types'
import { UploadList } from './UploadList'
import { useUploads } from './use-uploads'

/** Bucket limits are decimal, as the server reads '1MB' (10^6 bytes), so they show that way. */

/** One folder of a bucket: breadcrumbs, folders then files, uploads by button or drop, a file's panel. */
export function FileBrowser({ bucket, prefix, onNavigate, onBucketGone }: { bucket: Bucket; prefix: string; onNavigate: (prefix: string) => void; onBucketGone: () => void }) {
  const files = useFiles(bucket.id, prefix)
  const uploads = useUploads(bucket.id)
  const input = useRef<HTMLInputElement>(null)
  const [dragging, setDragging] = useState(false)
  const [folderOpen, setFolderOpen] = useState(false)
  const [selected, setSelected] = useState<string>()
  const entries = (files.data ?? []).filter((e) => e.name !== FOLDER_PLACEHOLDER)
  const folders = entries.filter((e) => e.id === null)
  const objects = entries.filter((e) => e.id !== null)
  const selectedEntry = objects.find((o) => `${prefix}${o.name}` === selected)

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    const dropped = [...e.dataTransfer.files]
    if (dropped.length) void uploads.start(dropped, prefix)
  }

  return (
    <div className={`storage-browser${selectedEntry ? ' with-detail' : ''}`}>
      <div className="storage-browser-main">
        <div className="storage-bucket-bar">
          <span className="muted storage-small">
            {bucket.public ? 'Public bucket' : 'Private bucket'}
            {bucket.file_size_limit ? ` · up to ${formatLimit(bucket.file_size_limit)} a file` : ''}
            {bucket.allowed_mime_types ? ` · ${bucket.allowed_mime_types.join(', ')}` : ''}
          </span>
          <BucketActions bucket={bucket} onGone={onBucketGone} />
        </div>
        <div className="storage-toolbar">
          <Breadcrumbs bucket={bucket.name} prefix={prefix} onNavigate={onNavigate} />
          <div className="storage-toolbar-actions">
            <Button variant="primary" size="sm" onClick={() => input.current?.click()}>Upload files</Button>
            <Button size="sm" onClick={() => setFolderOpen(true)}>New folder</Button>
          </div>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label="Files to upload"
            onChange={(e) => {
              const picked = [...(e.target.files ?? [])]
              e.target.value = ''
              if (picked.length) void uploads.start(picked, prefix)
            }}
          />
        </div>
        <UploadList items={uploads.items} onClear={uploads.clearFinished} />
        <div
          className={`storage-drop${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault()
            setDragging(true)
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="storage-drop"
        >
          {files.isPending ? (
            <Loading label="Loading files…" />
          ) : files.error ? (
            <ErrorState error={files.error} title="Could not list the files" onRetry={() => void files.refetch()} />
          ) : entries.length === 0 ? (
            <EmptyState title="Empty folder">Drop files here, or use Upload files.</EmptyState>
          ) : (
            <table className="table storage-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Size</th>
                  <th>Type</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {folders.map((f) => (
                  <tr key={`d:${f.name}`} className="storage-row" onClick={() => onNavigate(`${prefix}${f.name}/`)}>
                    <td colSpan={4}>
                      <button type="button" className="storage-link" onClick={() => onNavigate(`${prefix}${f.name}/`)}>
                        <span aria-hidden="true">📁 </span>
                        {f.name}/
                      </button>
                    </td>
                  </tr>
                ))}
                {objects.map((o) => (
                  <FileRow key={o.id} entry={o} selected={selected === `${prefix}${o.name}`} onSelect={() => setSelected(`${prefix}${o.name}`)} />
                ))}
              </tbody>
            </table>
          )}
          {dragging && <div className="storage-drop-hint">Drop to upload into /{prefix}</div>}
        </div>
      </div>
      {selectedEntry && selected && (
        <FileDetail bucket={bucket} name={selected} entry={selectedEntry} onClose={() => setSelected(undefined)} />
      )}
      <NewFolderDialog open={folderOpen} onClose={() => setFolderOpen(false)} bucket={bucket.id} prefix={prefix} onCreated={onNavigate} />
    </div>
  )
}

function FileRow({ entry, selected, onSelect }: { entry: FileEntry; selected: boolean; onSelect: () => void }) {
  return (
    <tr className={`storage-row${selected ? ' selected' : ''}`} onClick={onSelect} aria-selected={selected}>
      <td>
        <button type="button" className="storage-link" onClick={onSelect}>
          {entry.name}
        </button>
      </td>
      <td>{formatBytes(entry.metadata?.size)}</td>
      <td className="muted">{entry.metadata?.mimetype ?? '—'}</td>
      <td>{formatRelative(entry.updated_at)}</td>
    </tr>
  )
}
