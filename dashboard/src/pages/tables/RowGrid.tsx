/**
 * The rows of one page: @tanstack/react-table for the column model (visibility, sizes) and
 * @tanstack/react-virtual so only the rows in view are in the DOM. Headers sort (server-side,
 * through onSort); a checkbox column selects rows; a cell is edited in place on double-click, or
 * Enter / F2 once focused (arrows move between cells), Enter saves and Esc cancels.
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type VisibilityState } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { errorMessage } from '../../lib/api'
import { CellInput } from './CellInput'
import { displayValue, type Field, type Row } from './model'
import type { Sort } from './rest'
import { refAlias } from './useFkLabels'
import { fromDraft, toDraft, type Draft } from './values'

export interface RowGridProps {
  fields: Field[]
  rows: Row[]
  rowKey: (r: Row, i: number) => string
  visibility: VisibilityState
  sort: Sort[]
  onSort: (column: string, add: boolean) => void
  selected: Set<string>
  onSelect: (keys: string[], on: boolean) => void
  /** Absent when the table has no primary key: nothing is editable. */
  onSave?: (row: Row, field: Field, value: unknown) => Promise<void>
  /** Foreign-key columns whose rows carry the referenced row's label (column → label column). */
  labels?: Map<string, string>
}

const WIDTH: Partial<Record<Field['kind'], number>> = { bool: 90, int: 110, float: 120, uuid: 300, timestamptz: 230, timestamp: 200, date: 120, json: 240, array: 180, enum: 130 }

interface Editing {
  r: number
  c: number
  /** The value's draft when editing began: an unchanged draft is not sent. */
  initial: Draft
  draft: Draft
  error?: string
  saving?: boolean
}

export function RowGrid({ fields, rows, rowKey, visibility, sort, onSort, selected, onSelect, onSave, labels }: RowGridProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const [active, setActive] = useState<{ r: number; c: number }>()
  const [editing, setEditing] = useState<Editing>()
  const keys = useMemo(() => rows.map(rowKey), [rows, rowKey])
  const allOn = keys.length > 0 && keys.every((k) => selected.has(k))

  const columns = useMemo<ColumnDef<Row>[]>(
    () => [
      { id: '__select', size: 40, header: () => null, cell: () => null },
      ...fields.map((f): ColumnDef<Row> => ({ id: f.name, accessorFn: (r) => r[f.name], size: f.fk ? 200 : (WIDTH[f.kind] ?? 180), header: f.name })),
    ],
    [fields],
  )
  const table = useReactTable({ data: rows, columns, state: { columnVisibility: visibility }, getCoreRowModel: getCoreRowModel(), manualSorting: true })
  const visible = table.getVisibleLeafColumns()
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 34, overscan: 12 })
  const items = virtual.getVirtualItems()
  const padTop = items[0]?.start ?? 0
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1]!.end : 0

  useEffect(() => {
    if (active && !editing) scroller.current?.querySelector<HTMLElement>(`[data-cell="${active.r}:${active.c}"]`)?.focus()
  }, [active, editing])
  useEffect(() => setEditing(undefined), [rows])

  const fieldAt = (c: number) => fields.find((f) => f.name === visible[c]?.id)
  const startEdit = (r: number, c: number) => {
    const f = fieldAt(c)
    if (!onSave || !f || f.readOnly) return
    setActive({ r, c })
    const initial = toDraft(f, rows[r]![f.name])
    setEditing({ r, c, initial, draft: initial })
  }
  const commit = async () => {
    if (!editing || !onSave) return
    const f = fieldAt(editing.c)!
    // Unchanged (a timestamp's microseconds are not in the input either): nothing to send.
    if (editing.draft === editing.initial) return setEditing(undefined)
    let value: unknown
    try {
      value = fromDraft(f, editing.draft)
    } catch (err) {
      setEditing({ ...editing, error: (err as Error).message })
      return
    }
    setEditing({ ...editing, saving: true, error: undefined })
    try {
      await onSave(rows[editing.r]!, f, value)
      setEditing(undefined)
    } catch (err) {
      setEditing((e) => e && { ...e, saving: false, error: errorMessage(err) })
    }
  }
  const onCellKey = (e: KeyboardEvent, r: number, c: number) => {
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key]
    if (move) {
      e.preventDefault()
      const next = { r: Math.max(0, Math.min(rows.length - 1, r + move[0]!)), c: Math.max(1, Math.min(visible.length - 1, c + move[1]!)) }
      virtual.scrollToIndex(next.r)
      setActive(next)
    } else if (e.key === 'Enter' || e.key === 'F2') {
      e.preventDefault()
      startEdit(r, c)
    }
  }

  return (
    <div className="grid-scroll" ref={scroller} role="region" aria-label="Rows" tabIndex={-1}>
      <table className="row-grid" style={{ width: table.getVisibleLeafColumns().reduce((w, c) => w + c.getSize(), 0) }}>
        <colgroup>
          {visible.map((c) => (
            <col key={c.id} style={{ width: c.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                if (h.column.id === '__select')
                  return (
                    <th key={h.id} className="select-cell">
                      <input type="checkbox" aria-label="Select all rows on this page" checked={allOn} onChange={(e) => onSelect(keys, e.target.checked)} />
                    </th>
                  )
                const f = fields.find((x) => x.name === h.column.id)!
                const s = sort.findIndex((x) => x.column === f.name)
                const dir = s >= 0 ? (sort[s]!.desc ? 'descending' : 'ascending') : 'none'
                return (
                  <th key={h.id} aria-sort={dir}>
                    <button type="button" className="th-sort" title={`${f.type}${f.primary_key ? ' · primary key' : ''} — click to sort, shift-click to add`} onClick={(e) => onSort(f.name, e.shiftKey)}>
                      <span className="th-name">{f.primary_key && <span className="pk-badge" title="primary key">PK</span>}{flexRender(h.column.columnDef.header, h.getContext())}</span>
                      <span className="th-type muted">{f.type}</span>
                      {s >= 0 && <span className="th-dir" aria-hidden="true">{sort[s]!.desc ? '▼' : '▲'}{sort.length > 1 ? s + 1 : ''}</span>}
                    </button>
                  </th>
                )
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 && <tr style={{ height: padTop }} aria-hidden="true" />}
          {items.map((vi) => {
            const row = table.getRowModel().rows[vi.index]!
            const key = keys[vi.index]!
            return (
              <tr key={key} data-index={vi.index} className={selected.has(key) ? 'selected' : undefined} style={{ height: 34 }}>
                {row.getVisibleCells().map((cell, c) => {
                  if (cell.column.id === '__select')
                    return (
                      <td key={cell.id} className="select-cell">
                        <input type="checkbox" aria-label={`Select row ${vi.index + 1}`} checked={selected.has(key)} onChange={(e) => onSelect([key], e.target.checked)} />
                      </td>
                    )
                  const f = fieldAt(c)!
                  const v = cell.getValue()
                  const isEditing = editing?.r === vi.index && editing.c === c
                  const isActive = active?.r === vi.index && active.c === c
                  return (
                    <td
                      key={cell.id}
                      data-cell={`${vi.index}:${c}`}
                      data-column={f.name}
                      tabIndex={isActive ? 0 : -1}
                      className={`${isActive ? 'active' : ''}${isEditing ? ' editing' : ''}`}
                      onClick={() => {
                        if (isEditing) return
                        // Clicking away from a cell being edited saves it (an error keeps it open).
                        if (editing) void commit()
                        setActive({ r: vi.index, c })
                      }}
                      onDoubleClick={() => !isEditing && startEdit(vi.index, c)}
                      onKeyDown={(e) => !isEditing && onCellKey(e, vi.index, c)}
                      title={isEditing ? undefined : displayValue(v)}
                    >
                      {isEditing ? (
                        <div className="cell-editor">
                          <CellInput
                            field={f}
                            value={editing.draft}
                            compact
                            autoFocus
                            onChange={(d) => setEditing({ ...editing, draft: d, error: undefined })}
                            onCommit={() => void commit()}
                            onCancel={() => setEditing(undefined)}
                          />
                          {(editing.error || editing.saving) && (
                            <div className={editing.error ? 'cell-error' : 'cell-hint muted'} role={editing.error ? 'alert' : 'status'}>
                              {editing.error ?? 'Saving…'}
                            </div>
                          )}
                        </div>
                      ) : v === null || v === undefined ? (
                        <span className="null">NULL</span>
                      ) : (
                        <>
                          <span className={`cell-text kind-${f.kind}`}>{displayValue(v)}</span>
                          {labels?.has(f.name) && <RefLabel value={(row.original[refAlias(f.name)] as Row | null)?.[labels.get(f.name)!]} />}
                        </>
                      )}
                    </td>
                  )
                })}
              </tr>
            )
          })}
          {padBottom > 0 && <tr style={{ height: padBottom }} aria-hidden="true" />}
        </tbody>
      </table>
    </div>
  )
}

function RefLabel({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null
  return <span className="fk-ref muted"> · {displayValue(value)}</span>
}
