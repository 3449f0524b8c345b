import { useState, type FormEvent } from 'react'
import { Button, ConfirmDialog, EmptyState, ErrorState, Loading, useToast } from '../../components'
import { formatDateTime, formatRelative } from '../../lib/format'
import { jobsFetch, useJobsMutation, useJobsQuery } from './jobs-fetch'
import type { Schedule } from './types'

const EMPTY = { id: '', kind: 'cron' as 'cron' | 'every', cron: '*/5 * * * *', tz: '', everyS: '60', payload: '' }

/** A queue's repeatable jobs: cron (with a time zone) or every N seconds; add and delete. */
export function Schedules({ queue, jobsOff }: { queue: string; jobsOff: boolean }) {
  const list = useJobsQuery<Schedule[]>(`/admin/queues/${queue}/schedules`, { enabled: !jobsOff, retry: false })
  const [form, setForm] = useState(EMPTY)
  const [formError, setFormError] = useState<unknown>()
  const [deleting, setDeleting] = useState<string>()
  const toast = useToast()
  const put = useJobsMutation((body: { id: string; body: Record<string, unknown> }) =>
    jobsFetch<Schedule>(`/admin/queues/${queue}/schedules/${encodeURIComponent(body.id)}`, { method: 'PUT', body: body.body }),
  )
  const remove = useJobsMutation((id: string) => jobsFetch(`/admin/queues/${queue}/schedules/${encodeURIComponent(id)}`, { method: 'DELETE' }))
  const set = (p: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...p }))

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setFormError(undefined)
    let payload: unknown
    try {
      payload = form.payload.trim() ? JSON.parse(form.payload) : undefined
    } catch {
      setFormError(new Error('The payload is not valid JSON'))
      return
    }
    const body =
      form.kind === 'cron'
        ? { cron: form.cron.trim(), ...(form.tz.trim() ? { tz: form.tz.trim() } : {}) }
        : { every_ms: Math.round(Number(form.everyS) * 1000) }
    put.mutate(
      { id: form.id.trim(), body: { ...body, ...(payload !== undefined ? { payload } : {}) } },
      { onSuccess: (s) => (toast.success(`Schedule ${s.id} saved`), setForm(EMPTY)), onError: setFormError },
    )
  }

  if (jobsOff) return <EmptyState title="Jobs are off">Schedules live in Redis.</EmptyState>
  return (
    <div className="jobs-schedules">
      {list.isPending ? (
        <Loading label="Loading schedules…" />
      ) : list.error ? (
        <ErrorState error={list.error} compact onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="muted">No schedules: add one below.</p>
      ) : (
        <div className="jobs-table-wrap">
          <table className="table jobs-table" aria-label="Schedules">
            <thead>
              <tr><th>Id</th><th>Repeats</th><th>Next run</th><th aria-label="Actions" /></tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id}>
                  <td className="mono">{s.id}</td>
                  <td>{s.cron ? <><code>{s.cron}</code>{s.tz ? ` (${s.tz})` : ''}</> : `every ${(s.every_ms ?? 0) / 1000}s`}</td>
                  <td title={formatDateTime(s.next_run_at)}>{s.next_run_at ? formatRelative(s.next_run_at) : '—'}</td>
                  <td><Button size="sm" variant="ghost" onClick={() => setDeleting(s.id)}>Delete</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="jobs-schedule-form" onSubmit={submit} aria-label="Add a schedule">
        <label>Id<input required pattern="[A-Za-z0-9_\-]{1,80}" value={form.id} onChange={(e) => set({ id: e.target.value })} placeholder="nightly-report" /></label>
        <label>
          Repeats
          <select value={form.kind} onChange={(e) => set({ kind: e.target.value as 'cron' | 'every' })}>
            <option value="cron">cron</option>
            <option value="every">every N seconds</option>
          </select>
        </label>
        {form.kind === 'cron' ? (
          <>
            <label>Cron<input required value={form.cron} onChange={(e) => set({ cron: e.target.value })} /></label>
            <label>Time zone<input value={form.tz} onChange={(e) => set({ tz: e.target.value })} placeholder="UTC" /></label>
          </>
        ) : (
          <label>Seconds<input type="number" min={1} required value={form.everyS} onChange={(e) => set({ everyS: e.target.value })} /></label>
        )}
        <label className="jobs-wide">Payload (JSON)<input value={form.payload} onChange={(e) => set({ payload: e.target.value })} placeholder='{"report": "daily"}' /></label>
        <Button type="submit" variant="primary" loading={put.isPending}>Add schedule</Button>
        {formError !== undefined && <div className="jobs-wide"><ErrorState error={formError} compact /></div>}
      </form>
      <ConfirmDialog
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={`Delete schedule ${deleting ?? ''}?`}
        confirmLabel="Delete schedule"
        danger
        onConfirm={async () => {
          await remove.mutateAsync(deleting!)
          toast.success('Schedule deleted')
        }}
      >
        <p>No more jobs are created by it; jobs it already queued stay.</p>
      </ConfirmDialog>
    </div>
  )
}
