import { useState, type ReactNode } from 'react'
import { Button } from './Button'
import { Dialog } from './Dialog'
import { ErrorState } from './ErrorState'

export interface ConfirmDialogProps {
  open: boolean
  onClose: () => void
  title: ReactNode
  children?: ReactNode
  confirmLabel?: string
  /** Red confirm button (drops, deletes, rotations). */
  danger?: boolean
  /** May return a promise: the dialog shows a spinner, then closes, or shows the error and stays. */
  onConfirm: () => unknown
}

/** "Are you sure?" with the action's own error shown in place when it fails. */
export function ConfirmDialog({ open, onClose, title, children, confirmLabel = 'Confirm', danger = false, onConfirm }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const close = () => {
    setError(undefined)
    onClose()
  }
  const confirm = async () => {
    setBusy(true)
    setError(undefined)
    try {
      await onConfirm()
      close()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      size="sm"
      dismissable={!busy}
      footer={
        <>
          <Button onClick={close} disabled={busy}>Cancel</Button>
          <Button variant={danger ? 'danger' : 'primary'} onClick={() => void confirm()} loading={busy} data-autofocus>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      {error !== undefined && <ErrorState error={error} compact />}
    </Dialog>
  )
}
