/**
 * Export every row matching the current filters and sort as CSV: fetched page by page (1000
 * rows) as JSON with a progress bar, then saved as <table>.csv. Without a sort the primary key
 * orders the pages, so paging neither skips nor repeats a row.
 */
import { useRef, useState } from 'react'
import { Button, Dialog, ErrorState } from '../../components'
import { plural } from '../../lib/format'
import { csvHeader, toCsvLines } from './csv'
import type { Field } from './model'
import { buildSearch, useRest, type Filter, type Sort, type TableRef } from './rest'

const PAGE = 1000

interface Props {
  table: TableRef
  fields: Field[]
  filters: Filter[]
  sort: Sort[]
  primaryKey: string[]
}

export function CsvExport({ table, fields, filters, sort, primaryKey }: Props) {
  const rest = useRest()
  const [state, setState] = useState<{ done: number; total: number | null; error?: unknown; finished?: boolean }>()
  const abort = useRef<AbortController>(undefined)

  const run = async () => {
    const ctl = new AbortController()
    abort.current = ctl
    const columns = fields.map((f) => f.name)
    const order = sort.length ? sort : primaryKey.map((column) => ({ column, desc: false }))
    const search = buildSearch({ filters, sort: order, select: columns.map((c) => (/^[a-z_][a-z0-9_]*$/i.test(c) ? c : `"${c}"`)).join(',') })
    const parts = [csvHeader(columns)]
    let done = 0
    let total: number | null = null
    setState({ done, total })
    try {
      for (;;) {
        const page = await rest.select(table, { search, from: done, to: done + PAGE - 1, count: done === 0, signal: ctl.signal })
        if (done === 0) total = page.total
        if (page.rows.length) parts.push(toCsvLines(columns, page.rows))
        done += page.rows.length
        setState({ done, total })
        if (page.rows.length < PAGE) break
      }
    } catch (error) {
      if (!ctl.signal.aborted) setState({ done, total, error })
      return
    }
    const url = URL.createObjectURL(new Blob([parts.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `${table.name}.csv`
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    setState({ done, total: done, finished: true })
  }

  const close = () => {
    abort.current?.abort()
    setState(undefined)
  }
  const busy = state !== undefined && !state.finished && state.error === undefined
  return (
    <>
      <Button size="sm" onClick={() => void run()} disabled={busy}>Export CSV</Button>
      <Dialog open={state !== undefined} onClose={close} title={`Export ${table.name}`} size="sm" footer={<Button onClick={close}>{busy ? 'Cancel' : 'Close'}</Button>}>
        {state && (
          <>
            <progress className="progress" max={state.total ?? undefined} value={state.done} aria-label="Export progress" />
            <p className="muted" role="status">
              {state.finished ? `Exported ${plural(state.done, 'row')} to ${table.name}.csv` : `${plural(state.done, 'row')}${state.total !== null ? ` of ${state.total}` : ''}…`}
            </p>
            {state.error !== undefined && <ErrorState error={state.error} compact />}
          </>
        )}
      </Dialog>
    </>
  )
}
