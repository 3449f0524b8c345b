/** Add a foreign key and create an index on an existing table. */
import { useState } from 'react'
import { ChangeDialog } from './ChangeDialog'
import { emptyForeignKey, ForeignKeyFields, isComplete, toForeignKeySpec } from './ForeignKeyFields'
import { FK_PATH, type ChangeRequest } from './types'

interface Base {
  table: string
  columns: string[]
  onClose(): void
  onDone(): Promise<unknown> | void
}

export function AddForeignKeyDialog({ table, columns, onClose, onDone }: Base) {
  const [f, setF] = useState(emptyForeignKey(columns.find((c) => c.endsWith('_id')) ?? ''))
  const request: ChangeRequest | { invalid: string } = isComplete(f)
    ? { method: 'POST', path: `${FK_PATH(table)}/foreign-keys`, body: toForeignKeySpec(f) }
    : { invalid: 'Choose the column and the table and column it references.' }
  return (
    <ChangeDialog title={`Add a foreign key to ${table}`} size="lg" request={request} onClose={onClose} onApplied={onDone} applyLabel="Add foreign key">
      <ForeignKeyFields value={f} onChange={setF} columns={columns} />
    </ChangeDialog>
  )
}

export function CreateIndexDialog({ table, columns, onClose, onDone }: Base) {
  const [chosen, setChosen] = useState<string[]>([])
  const [unique, setUnique] = useState(false)
  const [method, setMethod] = useState('btree')
  const request: ChangeRequest | { invalid: string } =
    chosen.length === 0 ? { invalid: 'Choose the columns, in index order.' } : { method: 'POST', path: `${FK_PATH(table)}/indexes`, body: { columns: chosen, unique, method } }
  return (
    <ChangeDialog title={`Create an index on ${table}`} request={request} onClose={onClose} onApplied={onDone} applyLabel="Create index">
      <fieldset className="schema-fieldset index-columns">
        <legend>Columns {chosen.length > 0 && <span className="muted mono">({chosen.join(', ')})</span>}</legend>
        {columns.map((c) => (
          <label key={c} className="inline">
            <input type="checkbox" checked={chosen.includes(c)} onChange={(e) => setChosen((cs) => (e.target.checked ? [...cs, c] : cs.filter((x) => x !== c)))} />
            <span className="mono">{c}</span>
          </label>
        ))}
      </fieldset>
      <label>
        Method
        <select value={method} onChange={(e) => setMethod(e.target.value)}>
          {['btree', 'hash', 'gin', 'gist', 'brin'].map((m) => (
            <option key={m} value={m}>{m}</option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" checked={unique} disabled={method !== 'btree'} onChange={(e) => setUnique(e.target.checked)} /> unique
      </label>
    </ChangeDialog>
  )
}
