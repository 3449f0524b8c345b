import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import { Button, Dialog, ErrorState, useToast } from '../../components'
import { bucketsKey } from './queries'
import { storageFetch } from './service-fetch'
import type { Bucket } from './types'
import { useAction } from '../../lib/use-action'

const MB = 1_000_000 // the server reads '1MB' as 10^6 bytes, as Supabase does

interface Form {
  name: string
  isPublic: boolean
  limitMb: string
  mimeTypes: string
}

const toForm = (b?: Bucket): Form => ({
  name: b?.name ?? '',
  isPublic: b?.public ?? false,
  limitMb: b?.file_size_limit ? String(b.file_size_limit / MB) : '',
  mimeTypes: b?.allowed_mime_types?.join(', ') ?? '',
})

/** Create a bucket, or change one's settings (`bucket` given): public, size limit, MIME types. */
export function BucketDialog({ open, onClose, bucket, onSaved }: { open: boolean; onClose: () => void; bucket?: Bucket; onSaved?: (id: string) => void }) {
  const [form, setForm] = useState<Form>(toForm(bucket))
  const { busy, error, run, reset } = useAction()
  const qc = useQueryClient()
  const toast = useToast()
  useEffect(() => {
    if (open) setForm(toForm(bucket))
  }, [open, bucket])
  const close = () => {
    reset()
    onClose()
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const limit = form.limitMb.trim() ? Math.round(Number(form.limitMb) * MB) : null
    const types = form.mimeTypes.split(/[\s,]+/).filter(Boolean)
    const settings = { public: form.isPublic, file_size_limit: limit, allowed_mime_types: types.length ? types : null }
    const saved = await run(async () => {
      if (bucket) await storageFetch(`/bucket/${bucket.id}`, { method: 'PUT', body: settings })
      else await storageFetch('/bucket', { method: 'POST', body: { name: form.name.trim(), ...settings } })
      await qc.invalidateQueries({ queryKey: bucketsKey })
    })
    if (!saved) return
    toast.success(bucket ? `Saved ${bucket.name}` : `Created ${form.name.trim()}`)
    onSaved?.(bucket?.id ?? form.name.trim())
    close()
  }
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }))
  return (
    <Dialog
      open={open}
      onClose={close}
      title={bucket ? `Bucket settings: ${bucket.name}` : 'New bucket'}
      dismissable={!busy}
      footer={
        <>
          <Button onClick={close} disabled={busy}>Cancel</Button>
          <Button variant="primary" type="submit" form="bucket-form" loading={busy}>
            {bucket ? 'Save' : 'Create bucket'}
          </Button>
        </>
      }
    >
      <form id="bucket-form" className="form" onSubmit={(e) => void submit(e)}>
        {!bucket && (
          <label>
            Name
            <input
              required
              autoFocus
              pattern="[a-z0-9][a-z0-9._\-]{2,62}"
              title="3-63 of a-z 0-9 . _ - starting with a letter or digit"
              value={form.name}
              onChange={(e) => set({ name: e.target.value })}
            />
          </label>
        )}
        <label className="storage-check">
          <input type="checkbox" checked={form.isPublic} onChange={(e) => set({ isPublic: e.target.checked })} />
          Public (anyone with the link can download; listing and writing still follow the rules)
        </label>
        <label>
          File size limit in MB <span className="muted">(empty: the server's limit)</span>
          <input type="number" min="0.001" step="any" value={form.limitMb} onChange={(e) => set({ limitMb: e.target.value })} />
        </label>
        <label>
          Allowed MIME types <span className="muted">(comma-separated, e.g. image/*, application/pdf; empty: any)</span>
          <input value={form.mimeTypes} onChange={(e) => set({ mimeTypes: e.target.value })} />
        </label>
        {error !== undefined && <ErrorState error={error} compact />}
      </form>
    </Dialog>
  )
}
