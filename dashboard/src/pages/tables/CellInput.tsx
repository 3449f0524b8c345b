/**
 * One value's input, chosen by the column's kind: text, numbers, a tri-state select for a
 * nullable boolean (a checkbox otherwise), datetime-local for timestamps, a validated textarea
 * for JSON, a list editor for arrays, a select of an enum's values, and the foreign-key picker.
 * A nullable column gets a NULL switch, so NULL and the empty string stay apart.
 */
import { useId, type KeyboardEvent } from 'react'
import { FkPicker } from './FkPicker'
import type { Field } from './model'
import { fromDraft, type Draft } from './values'

export interface CellInputProps {
  field: Field
  value: Draft
  onChange: (v: Draft) => void
  /** Inline in the grid: one line, Enter commits, Esc cancels. */
  compact?: boolean
  onCommit?: () => void
  onCancel?: () => void
  autoFocus?: boolean
  id?: string
  /** The field is untouched (left to the server): what the server will do, e.g. "default: now()". */
  untouched?: string
  /** Back to untouched (the select's default option). */
  onReset?: () => void
}

/** The draft's problem, if its text does not fit the type (shown under the input). */
export function draftError(f: Field, v: Draft): string | undefined {
  try {
    fromDraft(f, v)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

export function CellInput({ field: f, value, onChange, compact = false, onCommit, onCancel, autoFocus, id, untouched, onReset }: CellInputProps) {
  const nullId = useId()
  const onKey = (e: KeyboardEvent) => {
    const multiline = e.currentTarget instanceof HTMLTextAreaElement
    if (e.key === 'Escape' && onCancel) {
      e.preventDefault()
      e.stopPropagation()
      onCancel()
    } else if (e.key === 'Enter' && onCommit && (!multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      onCommit()
    }
  }
  const common = { id, autoFocus, onKeyDown: onKey, 'aria-label': f.name }
  const isNull = value === null

  if (f.kind === 'bool' || f.kind === 'enum') {
    const options = f.kind === 'bool' ? ['true', 'false'] : (f.values ?? [])
    if (f.kind === 'bool' && !f.nullable && !compact) {
      return (
        <input type="checkbox" {...common} checked={value === 'true'} onChange={(e) => onChange(e.target.checked ? 'true' : 'false')} />
      )
    }
    return (
      <select
        {...common}
        className="cell-input"
        value={untouched !== undefined ? '\u0000default' : (value ?? '\u0000null')}
        onChange={(e) => (e.target.value === '\u0000default' ? onReset?.() : onChange(e.target.value === '\u0000null' ? null : e.target.value))}
      >
        {untouched !== undefined && <option value={'\u0000default'}>{untouched}</option>}
        {(f.nullable || value === null) && <option value={'\u0000null'}>NULL</option>}
        {options.map((o) => (
          <option key={o} value={o}>{o}</option>
        ))}
      </select>
    )
  }

  let input
  if (f.fk) {
    input = <FkPicker field={f} value={value} onChange={onChange} {...common} />
  } else if ((f.kind === 'json' || f.kind === 'array') && !compact) {
    input = (
      <textarea
        {...common}
        className="cell-input mono"
        rows={f.kind === 'json' ? 4 : 2}
        value={value ?? ''}
        disabled={isNull}
        placeholder={isNull ? 'NULL' : (untouched ?? (f.kind === 'array' ? 'a, b, c  or  ["a", "b"]' : '{"key": "value"}'))}
        onChange={(e) => onChange(e.target.value)}
      />
    )
  } else {
    const type = f.kind === 'timestamptz' || f.kind === 'timestamp' ? 'datetime-local' : f.kind === 'date' ? 'date' : 'text'
    input = (
      <input
        {...common}
        className={`cell-input${f.kind === 'json' || f.kind === 'array' ? ' mono' : ''}`}
        type={isNull ? 'text' : type}
        step={type === 'datetime-local' ? 1 : undefined}
        inputMode={f.kind === 'int' ? 'numeric' : f.kind === 'float' ? 'decimal' : undefined}
        value={value ?? ''}
        disabled={isNull}
        placeholder={isNull ? 'NULL' : (untouched ?? (f.kind === 'array' ? 'a, b, c' : undefined))}
        onChange={(e) => onChange(e.target.value)}
      />
    )
  }
  if (!f.nullable) return input
  return (
    <span className="cell-input-row">
      {input}
      <label className="null-toggle" htmlFor={nullId} title="SQL NULL (not the empty string)">
        <input id={nullId} type="checkbox" checked={isNull && untouched === undefined} onChange={(e) => onChange(e.target.checked ? null : '')} onKeyDown={onKey} />
        NULL
      </label>
    </span>
  )
}
