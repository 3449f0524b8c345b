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

export function SetPrimaryKeyDialog({ table, columns, current, onClose, onDone }: Base & { current: string[] }) {
  const [chosen, setChosen] = useState<string[]>(current)
  const request: ChangeRequest | { invalid: string } =
    chosen.length === 0 ? { invalid: 'Choose the key columns, in order.' } : { method: 'PUT', path: `${FK_PATH(table)}/primary-key`, body: { columns: chosen } }
  return (
    <ChangeDialog title={`Primary key of ${table}`} request={request} onClose={onClose} onApplied={onDone} applyLabel="Set primary key">
      <fieldset className="schema-fieldset index-columns">
        <legend>Columns {chosen.length > 0 && <span className="muted mono">({chosen.join(', ')})</span>}</legend>
        {columns.map((c) => (
          <label key={c} className="inline">
            <input type="checkbox" checked={chosen.includes(c)} onChange={(e) => setChosen((cs) => (e.target.checked ? [...cs, c] : cs.filter((x) => x !== c)))} />
            <span className="mono">{c}</span>
          </label>
        ))}
      </fieldset>
      {current.length > 0 && <p className="muted">The current key ({current.join(', ')}) is replaced.</p>}
    </ChangeDialog>
  )
}

export function RenameTableDialog({ table, onClose, onDone }: { table: string; onClose(): void; onDone(newRef: string): Promise<unknown> | void }) {
  const [schema, current] = [table.split('.')[0]!, table.split('.').slice(1).join('.')]
  const [name, setName] = useState(current)
  const request: ChangeRequest | { invalid: string } = !/^[a-z_][a-z0-9_]*$/.test(name.trim())
    ? { invalid: 'Lowercase letters, digits and _.' }
    : name.trim() === current
      ? { invalid: 'Type the new name.' }
      : { method: 'PATCH', path: FK_PATH(table), body: { name: name.trim() } }
  return (
    <ChangeDialog title={`Rename ${table}`} size="sm" request={request} onClose={onClose} onApplied={() => onDone(`${schema}.${name.trim()}`)} applyLabel="Rename">
      <label>
        New name
        <input className="mono" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <p className="muted">Clients that call the table by its old name stop working.</p>
    </ChangeDialog>
  )
}
