import { useState, type FormEvent } from 'react'
import { Button, CopyButton, Dialog, ErrorState } from '../../components'
import { jobsFetch, useJobsMutation } from './jobs-fetch'
import type { QueueDeclaration, Webhook } from './types'

const EVENTS = ['insert', 'update', 'delete'] as const
const EMPTY = { name: '', schema: 'public', table: '', events: ['insert'] as string[], target: 'url' as 'url' | 'queue', url: '', queue: '' }

/** Create a webhook; its signing secret is shown once made (HMAC-SHA256 of X-Floe-Signature). */
export function WebhookDialog({ open, onClose, queues }: { open: boolean; onClose: () => void; queues: QueueDeclaration[] }) {
  const [form, setForm] = useState(EMPTY)
  const [made, setMade] = useState<Webhook>()
  const create = useJobsMutation((body: Record<string, unknown>) => jobsFetch<Webhook>('/admin/webhooks', { method: 'POST', body }))
  const set = (p: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...p }))
  const close = () => {
    setForm(EMPTY)
    setMade(undefined)
    create.reset()
    onClose()
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const { name, schema, table, events, target, url, queue } = form
    create.mutate({ name, schema, table, events, ...(target === 'url' ? { url } : { queue }) }, { onSuccess: setMade })
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      title={made ? `Webhook ${made.name} created` : 'New webhook'}
      dismissable={!create.isPending}
      footer={
        made ? (
          <Button variant="primary" onClick={close}>Done</Button>
        ) : (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="primary" type="submit" form="webhook-form" loading={create.isPending}>Create webhook</Button>
          </>
        )
      }
    >
      {made ? (
        <>
          <p>Deliveries carry <code>X-Floe-Signature</code>, an HMAC-SHA256 of the body with this secret:</p>
          <div className="secret"><code>{made.secret}</code><CopyButton value={made.secret} what="Secret" /></div>
        </>
      ) : (
        <form id="webhook-form" className="form" onSubmit={submit}>
          <label>Name<input required pattern="[a-z0-9][a-z0-9_\-]{0,62}" value={form.name} onChange={(e) => set({ name: e.target.value })} /></label>
          <div className="jobs-row2">
            <label>Schema<input required value={form.schema} onChange={(e) => set({ schema: e.target.value })} /></label>
            <label>Table<input required value={form.table} onChange={(e) => set({ table: e.target.value })} /></label>
          </div>
          <fieldset className="jobs-fieldset">
            <legend>Events</legend>
            {EVENTS.map((ev) => (
              <label key={ev} className="jobs-check">
                <input
                  type="checkbox"
                  checked={form.events.includes(ev)}
                  onChange={(e) => set({ events: e.target.checked ? [...form.events, ev] : form.events.filter((x) => x !== ev) })}
                />
                {ev}
              </label>
            ))}
          </fieldset>
          <label>
            Deliver to
            <select value={form.target} onChange={(e) => set({ target: e.target.value as 'url' | 'queue' })}>
              <option value="url">a URL (POST)</option>
              <option value="queue">a queue (a job per change)</option>
            </select>
          </label>
          {form.target === 'url' ? (
            <label>URL<input type="url" required value={form.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://example.com/hooks/orders" /></label>
          ) : (
            <label>
              Queue
              <select required value={form.queue} onChange={(e) => set({ queue: e.target.value })}>
                <option value="">Choose…</option>
                {queues.map((q) => <option key={q.name} value={q.name}>{q.name}</option>)}
              </select>
            </label>
          )}
          {create.error && <ErrorState error={create.error} compact />}
        </form>
      )}
    </Dialog>
  )
}
