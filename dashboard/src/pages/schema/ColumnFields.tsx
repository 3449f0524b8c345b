/** The fields of one column spec (create table's rows, add column), and the type list they share. */
import { useId } from 'react'
import { useAdminQuery } from '../../lib/api'
import { COMMON_TYPES, type ColumnSpec, type Enum } from './types'

export function useTypeOptions(): string[] {
  const enums = useAdminQuery<Enum[]>('/enums')
  return [...COMMON_TYPES, ...(enums.data ?? []).map((e) => (e.schema === 'public' ? e.name : `${e.schema}.${e.name}`))]
}

/** A text field offering the common types and the enums; any type name can be typed. */
export function TypeInput({ value, onChange, label }: { value: string; onChange(v: string): void; label: string }) {
  const id = useId()
  const types = useTypeOptions()
  return (
    <>
      <input className="mono" aria-label={label} list={id} value={value} onChange={(e) => onChange(e.target.value)} placeholder="text" />
      <datalist id={id}>
        {types.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </>
  )
}

export interface ColumnDraft {
  name: string
  type: string
  default: string
  nullable: boolean
  unique: boolean
  primary_key: boolean
  identity: '' | 'always' | 'by_default'
}

export const emptyColumn = (): ColumnDraft => ({ name: '', type: 'text', default: '', nullable: true, unique: false, primary_key: false, identity: '' })

export function toSpec(c: ColumnDraft): ColumnSpec {
  return {
    name: c.name.trim(),
    type: c.type.trim(),
    ...(c.default.trim() && !c.identity ? { default: c.default.trim() } : {}),
    nullable: c.nullable && !c.primary_key,
    unique: c.unique,
    primary_key: c.primary_key,
    ...(c.identity ? { identity: c.identity } : {}),
  }
}

interface Props {
  value: ColumnDraft
  onChange(c: ColumnDraft): void
  /** "Column 2 " in labels of create table's rows; '' for the add-column form. */
  prefix?: string
  /** Add column: no primary key here (the table has its own). */
  withPrimaryKey?: boolean
}

export function ColumnFields({ value: c, onChange, prefix = '', withPrimaryKey = true }: Props) {
  const set = (patch: Partial<ColumnDraft>) => onChange({ ...c, ...patch })
  const L = (s: string) => (prefix ? `${prefix}${s.toLowerCase()}` : s)
  return (
    <div className="column-fields">
      <label>
        <span>Name</span>
        <input className="mono" aria-label={L('Name')} value={c.name} onChange={(e) => set({ name: e.target.value })} placeholder="column_name" />
      </label>
      <label>
        <span>Type</span>
        <TypeInput label={L('Type')} value={c.type} onChange={(type) => set({ type })} />
      </label>
      <label>
        <span>Default</span>
        <input className="mono" aria-label={L('Default')} value={c.identity ? '' : c.default} disabled={!!c.identity} onChange={(e) => set({ default: e.target.value })} placeholder={c.identity ? 'identity' : 'e.g. now()'} />
      </label>
      <label>
        <span>Identity</span>
        <select aria-label={L('Identity')} value={c.identity} onChange={(e) => set({ identity: e.target.value as ColumnDraft['identity'] })}>
          <option value="">none</option>
          <option value="by_default">by default</option>
          <option value="always">always</option>
        </select>
      </label>
      <div className="column-flags">
        <label className="inline">
          <input type="checkbox" aria-label={L('Nullable')} checked={c.nullable && !c.primary_key} disabled={c.primary_key} onChange={(e) => set({ nullable: e.target.checked })} />
          nullable
        </label>
        <label className="inline">
          <input type="checkbox" aria-label={L('Unique')} checked={c.unique} onChange={(e) => set({ unique: e.target.checked })} />
          unique
        </label>
        {withPrimaryKey && (
          <label className="inline">
            <input type="checkbox" aria-label={L('Primary key')} checked={c.primary_key} onChange={(e) => set({ primary_key: e.target.checked })} />
            primary key
          </label>
        )}
      </div>
    </div>
  )
}
