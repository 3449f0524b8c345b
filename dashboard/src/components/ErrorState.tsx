import { ApiError, errorMessage } from '../lib/api'
import { Button } from './Button'

/**
 * A failed load or action, in Floe's words: the message, then the code, details and hint of an
 * ApiError. `onRetry` adds a Try again button (pass a query's `refetch`).
 */
export function ErrorState({ error, title = 'Something went wrong', onRetry, compact = false }: { error: unknown; title?: string; onRetry?: () => void; compact?: boolean }) {
  const api = error instanceof ApiError ? error : undefined
  const details = api?.details
  return (
    <div className={`state state-error${compact ? ' state-compact' : ''}`} role="alert">
      {!compact && <h3>{title}</h3>}
      <p className="error-message">{errorMessage(error)}</p>
      {api && (
        <dl className="error-meta">
          <dt>Code</dt>
          <dd><code>{api.code}</code> ({api.status})</dd>
          {details !== null && details !== undefined && details !== '' && (
            <>
              <dt>Details</dt>
              <dd>{typeof details === 'string' ? details : <pre>{JSON.stringify(details, null, 2)}</pre>}</dd>
            </>
          )}
          {api.hint && (
            <>
              <dt>Hint</dt>
              <dd>{api.hint}</dd>
            </>
          )}
        </dl>
      )}
      {onRetry && (
        <div className="state-action">
          <Button onClick={onRetry}>Try again</Button>
        </div>
      )}
    </div>
  )
}
