/** Add a column, alter one (type with an optional USING, default, nullable, unique, name), drop one. */
import { useState } from 'react'
import { ChangeDialog } from './ChangeDialog'
import { ColumnFields, emptyColumn, toSpec, TypeInput, type ColumnDraft } from './ColumnFields'
import { FK_PATH, type ChangeRequest, type Column } from './types'

const NAME = /^[a-z_][a-z0-9_]*$/

interface Base {
  table: string
  onClose(): void
  onDone(): Promise<unknown> | void
}

export function AddColumnDialog({ table, onClose, onDone }: Base) {
  const [c, setC] = useState<ColumnDraft>(emptyColumn())
  const request: ChangeRequest | { invalid: string } =
    !NAME.test(c.name.trim()) || !c.type.trim()
      ? { invalid: 'Name the column (lowercase letters, digits and _) and give it a type.' }
      : { method: 'POST', path: `${FK_PATH(table)}/columns`, body: toSpec(c) }
  return (
    <ChangeDialog title={`Add a column to ${table}`} request={request} onClose={onClose} onApplied={onDone} applyLabel="Add column">
      <ColumnFields value={c} onChange={setC} withPrimaryKey={false} />
    </ChangeDialog>
  )
}

export function AlterColumnDialog({ table, column, onClose, onDone }: Base & { column: Column }) {
  const [name, setName] = useState(column.name)
  const [type, setType] = useState(column.type)
  const [using, setUsing] = useState('')
  const [dflt, setDflt] = useState(column.default ?? '')
  const [nullable, setNullable] = useState(column.nullable)
  const [unique, setUnique] = useState(column.unique)
  const body: Record<string, unknown> = {}
  if (name.trim() !== column.name) body.name = name.trim()
  if (type.trim() !== column.type) body.type = type.trim()
  if (body.type && using.trim()) body.using = using.trim()
  if (!column.identity && dflt.trim() !== (column.default ?? '')) body.default = dflt.trim() ? dflt.trim() : null
  if (nullable !== column.nullable) body.nullable = nullable
  if (unique !== column.unique) body.unique = unique
  const request: ChangeRequest | { invalid: string } =
    Object.keys(body).length === 0
      ? { invalid: 'Change something first.' }
      : { method: 'PATCH', path: `${FK_PATH(table)}/columns/${encodeURIComponent(column.name)}`, body }
  return (
    <ChangeDialog title={`Change column ${column.name}`} request={request} onClose={onClose} onApplied={onDone} applyLabel="Apply change">
      <label>
        Name
        <input className="mono" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Type
        <TypeInput label="Type" value={type} onChange={setType} />
      </label>
      {type.trim() !== column.type && (
        <label>
          Convert with (USING, optional)
          <input className="mono" value={using} onChange={(e) => setUsing(e.target.value)} placeholder={`${column.name}::${type.trim() || 'type'}`} />
        </label>
      )}
      {!column.identity && (
        <label>
          Default (empty: none)
          <input className="mono" value={dflt} onChange={(e) => setDflt(e.target.value)} />
        </label>
      )}
      <div className="column-flags">
        <label className="inline">
          <input type="checkbox" checked={nullable} onChange={(e) => setNullable(e.target.checked)} disabled={column.primary_key} /> nullable
        </label>
        <label className="inline">
          <input type="checkbox" checked={unique} onChange={(e) => setUnique(e.target.checked)} /> unique
        </label>
      </div>
    </ChangeDialog>
  )
}

/** A drop of anything the API drops by path: the same preview, then a red Apply. */
export function DropDialog({ what, path, cascade, onClose, onDone }: { what: string; path: string; cascade?: boolean; onClose(): void; onDone(): Promise<unknown> | void }) {
  const [withCascade, setWithCascade] = useState(false)
  return (
    <ChangeDialog
      title={`Drop ${what}?`}
      size="sm"
      danger
      applyLabel="Drop"
      request={{ method: 'DELETE', path, query: withCascade ? { cascade: 'true' } : undefined }}
      onClose={onClose}
      onApplied={onDone}
    >
      <p>The data it holds is lost; this cannot be undone.</p>
      {cascade && (
        <label className="inline">
          <input type="checkbox" checked={withCascade} onChange={(e) => setWithCascade(e.target.checked)} /> also drop what depends on it (cascade)
        </label>
      )}
    </ChangeDialog>
  )
}
