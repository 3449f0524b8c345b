import { useEffect, useState } from 'react'
import { Spinner } from '../../components'

/** "updated 2s ago", ticking each second; a spinner while a refresh is in flight. */
export function UpdatedAgo({ at, fetching }: { at: number; fetching: boolean }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  if (!at) return null
  const s = Math.max(0, Math.round((now - at) / 1000))
  return (
    <span className="muted jobs-updated" data-testid="jobs-updated" aria-live="off">
      {fetching ? <Spinner size={12} label="" /> : <span className="jobs-dot" aria-hidden="true" />} updated {s}s ago
    </span>
  )
}
