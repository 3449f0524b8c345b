/**
 * A foreign-key value's input: type to search the referenced table (its label column by ilike,
 * and the key itself when the text could be one) through /admin/v1/rest, pick a row from the
 * list; the chosen row's label is shown beside the key.
 */
import { useQuery } from '@tanstack/react-query'
import { useEffect, useId, useState, type KeyboardEvent } from 'react'
import { useAdminQuery } from '../../lib/api'
import { labelColumn, type Field, type TableDetail } from './model'
import { buildSearch, quoteValue, useRest } from './rest'
import type { Draft } from './values'

interface Props {
  field: Field
  value: Draft
  onChange: (v: Draft) => void
  onKeyDown?: (e: KeyboardEvent) => void
  id?: string
  autoFocus?: boolean
  'aria-label'?: string
}

function couldBeKey(type: string, q: string): boolean {
  if (/int|numeric|serial/.test(type)) return /^\d+$/.test(q)
  if (type === 'uuid') return /^[0-9a-f-]{36}$/i.test(q)
  return true
}

export function FkPicker({ field, value, onChange, onKeyDown, id, autoFocus, ...aria }: Props) {
  const fk = field.fk!
  const rest = useRest()
  const listId = useId()
  const ref = useAdminQuery<TableDetail>(`/tables/${fk.schema}.${fk.table}`)
  const label = ref.data ? labelColumn(ref.data, fk.column) : undefined
  const keyType = ref.data?.columns.find((c) => c.name === fk.column)?.type ?? 'text'
  const [open, setOpen] = useState(false)
  const [text, setText] = useState(value ?? '')
  const [q, setQ] = useState('')
  const [active, setActive] = useState(-1)
  useEffect(() => setText(value ?? ''), [value])
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 200)
    return () => clearTimeout(t)
  }, [text])

  const select = [fk.column, label].filter(Boolean).join(',')
  const target = { schema: fk.schema, name: fk.table }
  const search = useQuery({
    queryKey: ['tables-fk', fk.schema, fk.table, select, q],
    enabled: open && ref.isSuccess,
    queryFn: ({ signal }) => {
      const ors = [label && `${label}.ilike.${quoteValue(`*${q}*`)}`, couldBeKey(keyType, q) && `${fk.column}.eq.${quoteValue(q)}`].filter(Boolean)
      const extra: [string, string][] = [['limit', '20']]
      if (q && ors.length) extra.push(['or', `(${ors.join(',')})`])
      return rest.select(target, { search: buildSearch({ select, sort: [{ column: label ?? fk.column, desc: false }], extra }), signal })
    },
  })
  const current = useQuery({
    queryKey: ['tables-fk-label', fk.schema, fk.table, label, value],
    enabled: Boolean(label && value && couldBeKey(keyType, value)),
    queryFn: ({ signal }) => rest.select(target, { search: buildSearch({ select, extra: [[fk.column, `eq.${value}`]] }), signal }),
  })
  // Esc closes the list, not the dialog around it: the Dialog listens on document in the capture
  // phase, so this listens on window, which the capture phase reaches first.
  useEffect(() => {
    if (!open) return
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return
      e.stopPropagation()
      setOpen(false)
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [open])
  const currentLabel = current.data?.rows[0]?.[label ?? '']
  const options = search.data?.rows ?? []

  const pick = (v: unknown) => {
    onChange(String(v))
    setText(String(v))
    setOpen(false)
  }
  const keyDown = (e: KeyboardEvent) => {
    if (open && e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((a) => Math.min(a + 1, options.length - 1))
    } else if (open && e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => Math.max(a - 1, 0))
    } else if (open && e.key === 'Enter' && options[active]) {
      e.preventDefault()
      e.stopPropagation()
      pick(options[active]![fk.column])
    } else onKeyDown?.(e)
  }

  return (
    <span className="fk-picker">
      <input
        {...aria}
        id={id}
        autoFocus={autoFocus}
        className="cell-input"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        disabled={value === null}
        placeholder={value === null ? 'NULL' : `Search ${fk.table}…`}
        value={value === null ? '' : text}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setText(e.target.value)
          onChange(e.target.value)
          setOpen(true)
          setActive(-1)
        }}
        onKeyDown={keyDown}
      />
      {currentLabel !== undefined && currentLabel !== null && <span className="fk-label muted" title={`${fk.table}.${label}`}>→ {String(currentLabel)}</span>}
      {open && (
        <ul className="fk-options" id={listId} role="listbox" aria-label={`Rows of ${fk.table}`}>
          {search.isPending && <li className="muted">Searching…</li>}
          {search.isError && <li className="error-message">{search.error.message}</li>}
          {search.isSuccess && options.length === 0 && <li className="muted">No {fk.table} match</li>}
          {options.map((r, i) => (
            <li
              key={String(r[fk.column])}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault()
                pick(r[fk.column])
              }}
            >
              <span className="mono">{String(r[fk.column])}</span>
              {label && <span>{r[label] === null ? <em className="null">NULL</em> : String(r[label])}</span>}
            </li>
          ))}
        </ul>
      )}
    </span>
  )
}
