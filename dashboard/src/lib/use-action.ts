/**
 * The state of one user action that talks to the server (a dialog's submit, a sign-in step):
 * `busy` while it runs, the `error` it ended with (shown in place), cleared when it runs again.
 * `run` resolves true when the action succeeded, so the caller can close or move on.
 *
 * @example
 * const action = useAction()
 * const submit = async () => { if (await action.run(() => save(draft))) onClose() }
 * <Button loading={action.busy}>Save</Button>  {action.error !== undefined && <ErrorState error={action.error} compact />}
 */
import { useCallback, useState } from 'react'

export interface Action {
  busy: boolean
  error: unknown
  run(fn: () => Promise<unknown> | unknown): Promise<boolean>
  /** Forgets the last error (a dialog closed, a form edited). */
  reset(): void
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const run = useCallback(async (fn: () => Promise<unknown> | unknown) => {
    setBusy(true)
    setError(undefined)
    try {
      await fn()
      return true
    } catch (err) {
      setError(err)
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  const reset = useCallback(() => setError(undefined), [])
  return { busy, error, run, reset }
}
