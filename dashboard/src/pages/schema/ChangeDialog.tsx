/**
 * Every schema change goes through here: the form above, "Preview SQL" asks the server for the
 * statements (?dry_run=true) and shows them read-only, "Apply" runs the same request. Editing the
 * form after a preview drops the preview, so what is applied is always what was last shown.
 */
import { useState, type ReactNode } from 'react'
import { Button, Dialog } from '../../components'
import { adminFetch, ApiError, errorMessage } from '../../lib/api'
import type { ChangeRequest } from './types'

interface Props {
  title: string
  /** The request the form describes now, or a sentence saying what is missing. */
  request: ChangeRequest | { invalid: string }
  onClose(): void
  onApplied(result: unknown): Promise<unknown> | void
  children?: ReactNode
  applyLabel?: string
  danger?: boolean
  size?: 'sm' | 'md' | 'lg'
}

function send(r: ChangeRequest, dryRun: boolean) {
  return adminFetch<{ sql: string[] }>(r.path, { method: r.method, body: r.body, query: { ...r.query, dry_run: dryRun ? 'true' : undefined } })
}

export function ErrorBox({ error }: { error: unknown }) {
  const api = error instanceof ApiError ? error : undefined
  return (
    <div className="schema-error" role="alert">
      <strong>{errorMessage(error)}</strong>
      {api?.details != null && typeof api.details === 'string' && api.code !== 'INVALID_INPUT' && <div>{api.details}</div>}
      {api?.hint && <div className="muted">{api.hint}</div>}
    </div>
  )
}

export function ChangeDialog({ title, request, onClose, onApplied, children, applyLabel = 'Apply', danger = false, size = 'md' }: Props) {
  const [preview, setPreview] = useState<{ key: string; sql: string[] }>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState<'preview' | 'apply'>()
  const invalid = 'invalid' in request ? request.invalid : undefined
  const key = invalid ? '' : JSON.stringify(request)
  const shown = preview && preview.key === key ? preview : undefined

  const run = async (dryRun: boolean) => {
    if ('invalid' in request) return
    setBusy(dryRun ? 'preview' : 'apply')
    setError(undefined)
    try {
      const res = await send(request, dryRun)
      if (dryRun) setPreview({ key, sql: res?.sql ?? [] })
      else {
        await onApplied(res)
        onClose()
      }
    } catch (err) {
      setError(err)
    } finally {
      setBusy(undefined)
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!busy}
      title={title}
      size={size}
      footer={
        <>
          <Button onClick={onClose} disabled={!!busy}>Cancel</Button>
          {shown ? (
            <Button variant={danger ? 'danger' : 'primary'} loading={busy === 'apply'} onClick={() => void run(false)}>
              {applyLabel}
            </Button>
          ) : (
            <Button variant="primary" loading={busy === 'preview'} disabled={!!invalid} title={invalid} onClick={() => void run(true)}>
              Preview SQL
            </Button>
          )}
        </>
      }
    >
      <form className="form schema-form" onSubmit={(e) => (e.preventDefault(), void run(!shown))}>
        {children}
        <button type="submit" hidden />
      </form>
      {invalid && <p className="muted schema-invalid">{invalid}</p>}
      {shown && (
        <div className="sql-preview" aria-label="SQL preview">
          <div className="sql-preview-head muted">This will run:</div>
          <pre className="sql-preview-code" data-testid="sql-preview">{shown.sql.map((s) => `${s};`).join('\n\n')}</pre>
        </div>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </Dialog>
  )
}
