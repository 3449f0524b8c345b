/** Create table: its name, its columns (an id identity primary key to start), optional foreign keys. */
import { useState } from 'react'
import { Button } from '../../components'
import { ChangeDialog } from './ChangeDialog'
import { ColumnFields, emptyColumn, toSpec, type ColumnDraft } from './ColumnFields'
import { emptyForeignKey, ForeignKeyFields, isComplete, toForeignKeySpec, type ForeignKeyDraft } from './ForeignKeyFields'
import type { ChangeRequest } from './types'

const NAME = /^[a-z_][a-z0-9_]*$/

function build(name: string, columns: ColumnDraft[], fks: ForeignKeyDraft[]): ChangeRequest | { invalid: string } {
  if (!NAME.test(name)) return { invalid: 'Name the table: lowercase letters, digits and _.' }
  if (columns.length === 0) return { invalid: 'A table needs a column.' }
  const bad = columns.findIndex((c) => !NAME.test(c.name.trim()) || !c.type.trim())
  if (bad >= 0) return { invalid: `Column ${bad + 1} needs a name (lowercase letters, digits and _) and a type.` }
  const incomplete = fks.findIndex((f) => !isComplete(f))
  if (incomplete >= 0) return { invalid: `Foreign key ${incomplete + 1}: choose its column and the table and column it references.` }
  return { method: 'POST', path: '/tables', body: { schema: 'public', name, columns: columns.map(toSpec), foreign_keys: fks.map(toForeignKeySpec) } }
}

export function CreateTableDialog({ onClose, onCreated }: { onClose(): void; onCreated(table: string): Promise<unknown> | void }) {
  const [name, setName] = useState('')
  const [columns, setColumns] = useState<ColumnDraft[]>([
    { ...emptyColumn(), name: 'id', type: 'bigint', identity: 'by_default', primary_key: true, nullable: false },
  ])
  const [fks, setFks] = useState<ForeignKeyDraft[]>([])
  const setColumn = (i: number, c: ColumnDraft) => setColumns((cs) => cs.map((x, j) => (j === i ? c : x)))
  const setFk = (i: number, f: ForeignKeyDraft) => setFks((fs) => fs.map((x, j) => (j === i ? f : x)))
  const names = columns.map((c) => c.name.trim())

  return (
    <ChangeDialog title="Create a table" size="lg" request={build(name.trim(), columns, fks)} onClose={onClose} onApplied={() => onCreated(`public.${name.trim()}`)} applyLabel="Create table">
      <label>
        Table name
        <input className="mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="todos" autoFocus />
      </label>
      <fieldset className="schema-fieldset">
        <legend>Columns</legend>
        {columns.map((c, i) => (
          <div key={i} className="column-row">
            <span className="column-row-num muted">{i + 1}</span>
            <ColumnFields value={c} onChange={(v) => setColumn(i, v)} prefix={`Column ${i + 1} `} />
            <button type="button" className="icon-btn" aria-label={`Remove column ${i + 1}`} onClick={() => setColumns((cs) => cs.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <div>
          <Button size="sm" onClick={() => setColumns((cs) => [...cs, emptyColumn()])}>Add column</Button>
        </div>
      </fieldset>
      <fieldset className="schema-fieldset">
        <legend>Foreign keys</legend>
        {fks.length === 0 && <p className="muted">None. A foreign key makes a column point at another table's row.</p>}
        {fks.map((f, i) => (
          <div key={i} className="column-row">
            <span className="column-row-num muted">{i + 1}</span>
            <ForeignKeyFields value={f} onChange={(v) => setFk(i, v)} columns={names} prefix={`Foreign key ${i + 1} `} />
            <button type="button" className="icon-btn" aria-label={`Remove foreign key ${i + 1}`} onClick={() => setFks((fs) => fs.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <div>
          <Button size="sm" onClick={() => setFks((fs) => [...fs, emptyForeignKey(names.find((n) => n.endsWith('_id')) ?? '')])}>Add foreign key</Button>
        </div>
      </fieldset>
    </ChangeDialog>
  )
}
