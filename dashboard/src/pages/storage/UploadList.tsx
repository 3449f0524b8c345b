import { Button } from '../../components'
import { formatBytes } from '../../lib/format'
import type { UploadItem } from './use-uploads'

/** Each upload with its progress bar; a failed resumable one offers Resume. */
export function UploadList({ items, onClear }: { items: UploadItem[]; onClear: () => void }) {
  if (items.length === 0) return null
  const finished = items.some((i) => i.status !== 'uploading')
  return (
    <section className="storage-uploads" aria-label="Uploads">
      <div className="storage-uploads-head">
        <h3>Uploads</h3>
        {finished && <Button size="sm" variant="ghost" onClick={onClear}>Clear finished</Button>}
      </div>
      <ul>
        {items.map((u) => {
          const pct = u.size === 0 ? (u.status === 'done' ? 100 : 0) : Math.floor((u.loaded / u.size) * 100)
          return (
            <li key={u.id} className={`storage-upload is-${u.status}`}>
              <div className="storage-upload-row">
                <span className="storage-upload-name" title={u.name}>{u.name}</span>
                <span className="muted storage-small">
                  {u.method === 'resumable' ? 'resumable · ' : ''}
                  {formatBytes(u.loaded)} / {formatBytes(u.size)}
                </span>
                <span className="storage-upload-pct" data-testid="upload-percent">{u.status === 'error' ? 'failed' : `${pct}%`}</span>
                {u.resume && <Button size="sm" onClick={u.resume}>Resume</Button>}
                {u.abort && u.status === 'uploading' && <Button size="sm" variant="ghost" onClick={u.abort}>Cancel</Button>}
              </div>
              <progress max={100} value={pct} aria-label={`Upload of ${u.name}`} />
              {u.error && <p className="error-message storage-small">{u.error}</p>}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
