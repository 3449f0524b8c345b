import { useState } from 'react'
import { Button, useToast } from '../../components'
import { storageFetch, encodePath } from './service-fetch'

const EXPIRIES = [
  { label: '1 minute', s: 60 },
  { label: '1 hour', s: 3600 },
  { label: '1 day', s: 86_400 },
  { label: '7 days', s: 7 * 86_400 },
  { label: '30 days', s: 30 * 86_400 },
]

/** A download link that needs no credentials until it expires: made, shown, and copied. */
export function SignedUrl({ bucket, name }: { bucket: string; name: string }) {
  const [expires, setExpires] = useState(3600)
  const [url, setUrl] = useState<string>()
  const [busy, setBusy] = useState(false)
  const toast = useToast()
  const make = async () => {
    setBusy(true)
    try {
      const res = await storageFetch<{ url: string }>(`/object/sign/${bucket}/${encodePath(name)}`, { method: 'POST', body: { expiresIn: expires } })
      setUrl(res.url)
      try {
        await navigator.clipboard.writeText(res.url)
        toast.success('Signed URL copied')
      } catch {
        toast.info('Signed URL made: the browser refused the clipboard, copy it from the box')
      }
    } catch (err) {
      toast.error(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="storage-url" aria-label="Signed URL">
      <h3>Signed URL</h3>
      <div className="storage-inline">
        <select aria-label="Signed URL expires in" value={expires} onChange={(e) => setExpires(Number(e.target.value))}>
          {EXPIRIES.map((x) => (
            <option key={x.s} value={x.s}>
              {x.label}
            </option>
          ))}
        </select>
        <Button onClick={() => void make()} loading={busy}>Copy signed URL</Button>
      </div>
      {url && <input className="storage-url-box mono" readOnly value={url} aria-label="Signed URL" data-testid="signed-url" onFocus={(e) => e.target.select()} />}
    </section>
  )
}
