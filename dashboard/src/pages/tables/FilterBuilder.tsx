/**
 * Filters, ANDed and applied by the server: pick a column, an operator among those that fit its
 * type (every PostgREST operator for types the editor does not know), `not` to negate, and a
 * value. Each filter shows as a chip that removes it.
 */
import { useState, type FormEvent } from 'react'
import { Button } from '../../components'
import { OPERATORS, operatorsFor, type Field, type Operator } from './model'
import { filterExpr, type Filter } from './rest'

let nextId = 1

const HINT: Partial<Record<Operator, string>> = {
  like: 'use * as wildcard', ilike: 'use * as wildcard', in: 'a, b, c', cs: '{a,b} or {"k":1}', cd: '{a,b} or {"k":1}', ov: '{a,b}', fts: 'words & more',
}

export function FilterBuilder({ fields, filters, onChange }: { fields: Field[]; filters: Filter[]; onChange: (f: Filter[]) => void }) {
  const [column, setColumn] = useState(fields[0]?.name ?? '')
  const field = fields.find((f) => f.name === column) ?? fields[0]
  const ops = field ? operatorsFor(field) : []
  const [op, setOp] = useState<Operator>(ops[0] ?? 'eq')
  const [not, setNot] = useState(false)
  const [value, setValue] = useState('')
  const opNow = ops.includes(op) ? op : ops[0]!

  const choices = opNow === 'is' ? ['null', 'true', 'false', 'unknown'] : (field?.kind === 'enum' && opNow !== 'in' ? field.values : field?.kind === 'bool' ? ['true', 'false'] : undefined)

  const add = (e: FormEvent) => {
    e.preventDefault()
    if (!field) return
    onChange([...filters, { id: nextId++, column: field.name, op: opNow, not, value: value || choices?.[0] || '' }])
    setValue('')
    setNot(false)
  }


  return (
    <div className="filters">
      <form className="filter-form" onSubmit={add} aria-label="Add a filter">
        <select aria-label="Filter column" value={field?.name ?? ''} onChange={(e) => {
            setColumn(e.target.value)
            setValue('')
          }}>
          {fields.map((f) => (
            <option key={f.name} value={f.name}>{f.name}</option>
          ))}
        </select>
        <label className="filter-not" title="Negate: not.<op>">
          <input type="checkbox" checked={not} onChange={(e) => setNot(e.target.checked)} /> not
        </label>
        <select aria-label="Filter operator" value={opNow} onChange={(e) => {
            setOp(e.target.value as Operator)
            setValue('')
          }}>
          {ops.map((o) => (
            <option key={o} value={o}>{o} — {OPERATORS[o]}</option>
          ))}
        </select>
        {choices ? (
          <select aria-label="Filter value" value={value || choices[0]} onChange={(e) => setValue(e.target.value)}>
            {choices.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </select>
        ) : (
          <input aria-label="Filter value" value={value} placeholder={HINT[opNow] ?? 'value'} onChange={(e) => setValue(e.target.value)} />
        )}
        <Button type="submit" size="sm">
          Add filter
        </Button>
      </form>
      {filters.length > 0 && (
        <ul className="chips" aria-label="Filters">
          {filters.map((f) => (
            <li key={f.id} className="chip">
              <code>{f.column}={filterExpr(f)}</code>
              <button type="button" className="chip-x" aria-label={`Remove filter ${f.column} ${f.op}`} onClick={() => onChange(filters.filter((x) => x.id !== f.id))}>
                ×
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="link-btn" onClick={() => onChange([])}>Clear all</button>
          </li>
        </ul>
      )}
    </div>
  )
}
