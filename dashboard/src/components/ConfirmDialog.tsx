import type { ReactNode } from 'react'
import { useAction } from '../lib/use-action'
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
  const { busy, error, run, reset } = useAction()
  const close = () => {
    reset()
    onClose()
  }
  const confirm = async () => {
    if (await run(onConfirm)) close()
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
