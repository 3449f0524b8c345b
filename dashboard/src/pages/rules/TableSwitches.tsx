/** RLS on/off (turning it off asks first: it opens every row) and realtime on/off. */
import { useState } from 'react'
import { ConfirmDialog, useToast } from '../../components'
import { adminFetch } from '../../lib/api'
import { tablePath } from './types'

interface Props {
  table: string
  rlsEnabled: boolean
  realtime: boolean
  onChanged(): Promise<unknown>
}

function Switch({ label, on, busy, onToggle }: { label: string; on: boolean; busy: boolean; onToggle(): void }) {
  return (
    <button type="button" role="switch" aria-checked={on} className={`switch${on ? ' on' : ''}`} disabled={busy} onClick={onToggle}>
      <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
      {label}
    </button>
  )
}

export function TableSwitches({ table, rlsEnabled, realtime, onChanged }: Props) {
  const toast = useToast()
  const [busy, setBusy] = useState<'rls' | 'realtime'>()
  const [confirmOff, setConfirmOff] = useState(false)

  const setRls = async (enabled: boolean) => {
    await adminFetch(`${tablePath(table)}/rls`, { method: 'POST', body: { enabled } })
    await onChanged()
    toast.success(`Row-level security ${enabled ? 'on' : 'off'} for ${table}`)
  }
  const run = async (what: 'rls' | 'realtime', fn: () => Promise<unknown>) => {
    setBusy(what)
    try {
      await fn()
    } catch (err) {
      toast.error(err)
    } finally {
      setBusy(undefined)
    }
  }
  const toggleRealtime = () =>
    run('realtime', async () => {
      await adminFetch(`/realtime/tables/${encodeURIComponent(table)}`, { method: realtime ? 'DELETE' : 'PUT' })
      await onChanged()
      toast.success(`Realtime ${realtime ? 'off' : 'on'} for ${table}`)
    })

  return (
    <div className="table-switches">
      <Switch label="Row-level security" on={rlsEnabled} busy={busy === 'rls'} onToggle={() => (rlsEnabled ? setConfirmOff(true) : void run('rls', () => setRls(true)))} />
      <Switch label="Realtime" on={realtime} busy={busy === 'realtime'} onToggle={() => void toggleRealtime()} />
      <ConfirmDialog open={confirmOff} onClose={() => setConfirmOff(false)} title={`Turn row-level security off for ${table}?`} danger confirmLabel="Turn RLS off" onConfirm={() => setRls(false)}>
        <p>
          Its rules stop applying: every client whose role has privileges on the table (anon with the public key, any signed-in user) can then read and change
          <strong> every row</strong>, whatever the rules say.
        </p>
      </ConfirmDialog>
    </div>
  )
}
