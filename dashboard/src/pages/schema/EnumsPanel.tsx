/** Enums: their values, create one, add a value (Postgres cannot remove one), drop one. */
import { useState } from 'react'
import { Button, EmptyState, ErrorState, Loading, useToast } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { ChangeDialog } from './ChangeDialog'
import { DropDialog } from './ColumnDialogs'
import { useRefreshSchema } from './TableView'
import type { ChangeRequest, Enum } from './types'

const NAME = /^[a-z_][a-z0-9_]*$/
const enumPath = (e: Enum) => `/enums/${encodeURIComponent(`${e.schema}.${e.name}`)}`

function CreateEnumDialog({ onClose, onDone }: { onClose(): void; onDone(): Promise<unknown> }) {
  const [name, setName] = useState('')
  const [values, setValues] = useState('')
  const list = values.split(/[\n,]/).map((v) => v.trim()).filter(Boolean)
  const request: ChangeRequest | { invalid: string } = !NAME.test(name.trim())
    ? { invalid: 'Name the enum: lowercase letters, digits and _.' }
    : list.length === 0
      ? { invalid: 'Give at least one value.' }
      : { method: 'POST', path: '/enums', body: { schema: 'public', name: name.trim(), values: list } }
  return (
    <ChangeDialog title="Create an enum" request={request} onClose={onClose} onApplied={onDone} applyLabel="Create enum">
      <label>
        Enum name
        <input className="mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="status" />
      </label>
      <label>
        Values (one per line, or comma-separated)
        <textarea className="mono" rows={4} value={values} onChange={(e) => setValues(e.target.value)} placeholder={'draft\npublished'} />
      </label>
    </ChangeDialog>
  )
}

function AddValueDialog({ e, onClose, onDone }: { e: Enum; onClose(): void; onDone(): Promise<unknown> }) {
  const [value, setValue] = useState('')
  const [after, setAfter] = useState('')
  const request: ChangeRequest | { invalid: string } = !value.trim()
    ? { invalid: 'Type the new value.' }
    : { method: 'POST', path: `${enumPath(e)}/values`, body: { value: value.trim(), ...(after ? { after } : {}) } }
  return (
    <ChangeDialog title={`Add a value to ${e.name}`} size="sm" request={request} onClose={onClose} onApplied={onDone} applyLabel="Add value">
      <label>
        Value
        <input className="mono" value={value} onChange={(ev) => setValue(ev.target.value)} />
      </label>
      <label>
        Position
        <select value={after} onChange={(ev) => setAfter(ev.target.value)}>
          <option value="">at the end</option>
          {e.values.map((v) => (
            <option key={v} value={v}>after {v}</option>
          ))}
        </select>
      </label>
    </ChangeDialog>
  )
}

export function EnumsPanel() {
  const { data, isPending, error, refetch } = useAdminQuery<Enum[]>('/enums')
  const refresh = useRefreshSchema()
  const toast = useToast()
  const [open, setOpen] = useState<{ kind: 'create' } | { kind: 'add' | 'drop'; e: Enum }>()
  const close = () => setOpen(undefined)
  const done = (msg: string) => async () => {
    await refresh()
    toast.success(msg)
  }
  return (
    <section className="card schema-enums" aria-label="Enums">
      <div className="schema-section-head">
        <h2>Enums</h2>
        <Button size="sm" onClick={() => setOpen({ kind: 'create' })}>Create enum</Button>
      </div>
      {isPending ? (
        <Loading />
      ) : error ? (
        <ErrorState error={error} compact onRetry={() => void refetch()} />
      ) : data.length === 0 ? (
        <EmptyState title="No enums">An enum is a type with a fixed list of values, e.g. a status.</EmptyState>
      ) : (
        <ul className="schema-list">
          {data.map((e) => (
            <li key={`${e.schema}.${e.name}`}>
              <span className="mono">{e.schema === 'public' ? e.name : `${e.schema}.${e.name}`}</span>
              <span className="enum-values">
                {e.values.map((v) => (
                  <span key={v} className="badge">{v}</span>
                ))}
              </span>
              <Button size="sm" onClick={() => setOpen({ kind: 'add', e })}>Add value</Button>
              <Button size="sm" variant="ghost" onClick={() => setOpen({ kind: 'drop', e })} aria-label={`Drop enum ${e.name}`}>Drop</Button>
            </li>
          ))}
        </ul>
      )}
      {open?.kind === 'create' && <CreateEnumDialog onClose={close} onDone={done('Enum created')} />}
      {open?.kind === 'add' && <AddValueDialog e={open.e} onClose={close} onDone={done('Value added')} />}
      {open?.kind === 'drop' && <DropDialog what={`enum ${open.e.name}`} path={enumPath(open.e)} cascade onClose={close} onDone={done('Enum dropped')} />}
    </section>
  )
}
