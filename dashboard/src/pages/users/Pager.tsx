import { Button } from '../../components'
import { formatNumber } from '../../lib/format'

/** "26–50 of 120" with Previous / Next; used by the user list and the outbox. */
export function Pager({ offset, limit, total, onOffset }: { offset: number; limit: number; total: number; onOffset: (n: number) => void }) {
  if (total === 0) return null
  const last = Math.min(offset + limit, total)
  return (
    <div className="users-pager">
      <span className="muted">
        {formatNumber(offset + 1)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      <Button size="sm" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        Previous
      </Button>
      <Button size="sm" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
        Next
      </Button>
    </div>
  )
}
