/**
 * One table: its toolbar (insert, delete selected, columns, import, export), the filter builder,
 * the grid of the current page and the pager. Sort, filters and page are server-side; the page
 * is fetched with the exact count of every matching row (Content-Range).
 */
import type { VisibilityState } from '@tanstack/react-table'
import { useCallback, useMemo, useState } from 'react'
import { Button, ConfirmDialog, EmptyState, ErrorState, Loading, Spinner, useToast } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { plural } from '../../lib/format'
import { ColumnMenu } from './ColumnMenu'
import { CsvExport } from './CsvExport'
import { CsvImport } from './CsvImport'
import { FilterBuilder } from './FilterBuilder'
import { toFields, type EnumType, type Field, type Row, type TableDetail } from './model'
import { RowEditor } from './RowEditor'
import { RowGrid } from './RowGrid'
import { keyFilters, keysFilter, useRest, type Filter, type Sort, type TableRef } from './rest'
import { useFkLabels } from './useFkLabels'
import { useRows } from './useRows'

const PAGE_SIZES = [25, 50, 100, 250, 500]

export function TableView({ table }: { table: TableRef }) {
  const detail = useAdminQuery<TableDetail>(`/tables/${table.schema}.${table.name}`)
  const enums = useAdminQuery<EnumType[]>('/enums')
  if (detail.error) return <ErrorState error={detail.error} title={`${table.schema}.${table.name} could not be read`} onRetry={() => void detail.refetch()} />
  if (enums.error) return <ErrorState error={enums.error} onRetry={() => void enums.refetch()} />
  if (!detail.data || !enums.data) return <Loading label="Loading the table…" />
  return <Rows table={table} detail={detail.data} fields={toFields(detail.data, enums.data)} />
}

function Rows({ table, detail, fields }: { table: TableRef; detail: TableDetail; fields: Field[] }) {
  const rest = useRest()
  const toast = useToast()
  const [filters, setFilters] = useState<Filter[]>([])
  const [sort, setSort] = useState<Sort[]>([])
  const [page, setPage] = useState(0)
  const [pageSize, setPageSize] = useState(50)
  const [visibility, setVisibility] = useState<VisibilityState>({})
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [dialog, setDialog] = useState<'insert' | 'delete' | 'import'>()
  const pk = detail.primary_key?.columns ?? []
  // Unsorted, the primary key orders the pages, so a row never moves between pages after an edit.
  const order = sort.length ? sort : pk.map((column) => ({ column, desc: false }))
  const refs = useFkLabels(table.schema, fields)
  const rows = useRows(table, { select: refs.select, ready: refs.ready, filters, sort: order, page, pageSize })

  const rowKey = useCallback((r: Row, i: number) => (pk.length ? pk.map((c) => String(r[c])).join('\u0001') : `#${i}`), [pk.join()]) // eslint-disable-line react-hooks/exhaustive-deps
  const data = rows.data?.rows ?? []
  const total = rows.data?.total ?? null
  const pages = total === null ? null : Math.max(1, Math.ceil(total / pageSize))
  const selectedRows = useMemo(() => data.filter((r, i) => selected.has(rowKey(r, i))), [data, selected, rowKey])

  const view = <T,>(set: (v: T) => void) => (v: T) => {
    set(v)
    setPage(0)
    setSelected(new Set())
  }
  const onSort = (column: string, add: boolean) =>
    view(setSort)(((): Sort[] => {
      const cur = sort.find((s) => s.column === column)
      // Click: ascending, then descending, then unsorted. Shift-click keeps the other columns.
      const next = !cur ? { column, desc: false } : !cur.desc ? { column, desc: true } : undefined
      const others = add ? sort.filter((s) => s.column !== column) : []
      return next ? (add && cur ? sort.map((s) => (s.column === column ? next : s)) : [...others, next]) : others
    })())
  const onSelect = (keys: string[], on: boolean) =>
    setSelected((s) => {
      const n = new Set(s)
      for (const k of keys) if (on) n.add(k)
      else n.delete(k)
      return n
    })

  const onSave = async (row: Row, f: Field, value: unknown) => {
    const changed = await rest.update(table, keyFilters(row, pk), { [f.name]: value })
    if (changed.length === 0) throw new Error('No row was updated: it may have been deleted; refresh')
    await rows.invalidate()
  }
  const onInsert = async (row: Row) => {
    await rest.insert(table, row)
    toast.success(`Row inserted into ${table.name}`)
    await rows.invalidate()
  }
  const onDelete = async () => {
    const gone = await rest.remove(table, keysFilter(selectedRows, pk))
    toast.success(`${plural(gone.length, 'row')} deleted`)
    setSelected(new Set())
    await rows.invalidate()
  }

  const from = rows.data?.from ?? page * pageSize
  return (
    <section className="table-view" aria-label={`Rows of ${table.name}`}>
      <div className="toolbar">
        <h2 className="table-title">
          {table.schema !== 'public' && <span className="muted">{table.schema}.</span>}
          {table.name}
        </h2>
        <Button size="sm" variant="primary" onClick={() => setDialog('insert')}>Insert row</Button>
        <Button size="sm" variant="danger" disabled={selectedRows.length === 0 || pk.length === 0} onClick={() => setDialog('delete')}>
          Delete{selectedRows.length ? ` ${plural(selectedRows.length, 'row')}` : ''}
        </Button>
        <ColumnMenu fields={fields} visibility={visibility} onChange={setVisibility} />
        <Button size="sm" onClick={() => setDialog('import')}>Import CSV</Button>
        <CsvExport table={table} fields={fields} filters={filters} sort={sort} primaryKey={pk} />
        <Button size="sm" variant="ghost" onClick={() => void rows.refetch()} aria-label="Refresh rows">⟳</Button>
        {rows.isFetching && <Spinner size={14} label="Loading rows" />}
      </div>
      {detail.warnings.map((w) => (
        <p key={w.problem} className="notice table-warning">{w.message}</p>
      ))}
      {pk.length === 0 && <p className="notice">This table has no primary key: rows can be inserted, but not edited or deleted here.</p>}
      <FilterBuilder fields={fields} filters={filters} onChange={view(setFilters)} />
      {rows.error ? (
        <ErrorState error={rows.error} title="The rows could not be read" onRetry={() => void rows.refetch()} />
      ) : rows.isPending ? (
        <Loading label="Loading rows…" />
      ) : (
        <>
          <RowGrid
            fields={fields}
            rows={data}
            rowKey={rowKey}
            visibility={visibility}
            sort={sort}
            onSort={onSort}
            selected={selected}
            onSelect={onSelect}
            onSave={pk.length ? onSave : undefined}
            labels={refs.labels}
          />
          {data.length === 0 && (
            <EmptyState title={filters.length ? 'No rows match these filters' : 'No rows'}>
              {filters.length ? 'Remove a filter to see more.' : 'Insert a row or import a CSV file.'}
            </EmptyState>
          )}
        </>
      )}
      <footer className="pager">
        <span className="muted" role="status">
          {total === null ? '' : total === 0 ? '0 rows' : `Rows ${from + 1}–${Math.min(from + data.length, total)} of ${total}`}
        </span>
        <label className="page-size">
          Rows per page{' '}
          <select value={pageSize} onChange={(e) => view(setPageSize)(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
        <Button size="sm" disabled={page === 0} onClick={() => setPage((p) => p - 1)} aria-label="Previous page">‹</Button>
        <span>Page {page + 1} of {pages ?? '?'}</span>
        <Button size="sm" disabled={pages !== null && page + 1 >= pages} onClick={() => setPage((p) => p + 1)} aria-label="Next page">›</Button>
      </footer>
      <RowEditor open={dialog === 'insert'} table={table.name} fields={fields} onClose={() => setDialog(undefined)} onInsert={onInsert} />
      <CsvImport
        open={dialog === 'import'}
        table={table.name}
        fields={fields}
        onClose={() => setDialog(undefined)}
        insert={(batch, columns) => rest.insert(table, batch, columns)}
        onImported={() => void rows.invalidate()}
      />
      <ConfirmDialog open={dialog === 'delete'} onClose={() => setDialog(undefined)} title={`Delete ${plural(selectedRows.length, 'row')}?`} confirmLabel="Delete" danger onConfirm={onDelete}>
        <p>The selected {selectedRows.length === 1 ? 'row' : 'rows'} of {table.name} will be deleted. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  )
}
