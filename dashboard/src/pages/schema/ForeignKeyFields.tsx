/** One foreign key: a column of this table → a column of another table, and what a delete does. */
import { useAdminQuery } from '../../lib/api'
import { useTables } from '../rules/TableList'
import { FK_ACTIONS, FK_PATH, type FkAction, type ForeignKeySpec, type TableDetail } from './types'

export interface ForeignKeyDraft {
  column: string
  refTable: string
  refColumn: string
  onDelete: FkAction
}

export const emptyForeignKey = (column = ''): ForeignKeyDraft => ({ column, refTable: '', refColumn: 'id', onDelete: 'no action' })

export function toForeignKeySpec(f: ForeignKeyDraft): ForeignKeySpec {
  const [schema, ...rest] = f.refTable.split('.')
  return { columns: [f.column], references: { schema: schema!, table: rest.join('.'), columns: [f.refColumn] }, on_delete: f.onDelete, on_update: 'no action' }
}

export function isComplete(f: ForeignKeyDraft): boolean {
  return !!(f.column && f.refTable && f.refColumn)
}

export function ForeignKeyFields({ value: f, onChange, columns, prefix = '' }: { value: ForeignKeyDraft; onChange(f: ForeignKeyDraft): void; columns: string[]; prefix?: string }) {
  const tables = useTables()
  const target = useAdminQuery<TableDetail>(FK_PATH(f.refTable), { enabled: !!f.refTable })
  const set = (patch: Partial<ForeignKeyDraft>) => onChange({ ...f, ...patch })
  const L = (s: string) => (prefix ? `${prefix}${s.toLowerCase()}` : s)
  const refColumns = target.data?.columns.map((c) => c.name) ?? []
  return (
    <div className="fk-fields">
      <label>
        <span>Column</span>
        <select aria-label={L('Column')} value={f.column} onChange={(e) => set({ column: e.target.value })}>
          <option value="">choose…</option>
          {columns.filter(Boolean).map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      <span className="fk-arrow" aria-hidden="true">→</span>
      <label>
        <span>References table</span>
        <select
          aria-label={L('References table')}
          value={f.refTable}
          onChange={(e) => set({ refTable: e.target.value, refColumn: 'id' })}
        >
          <option value="">choose…</option>
          {(tables.data ?? []).map((t) => (
            <option key={`${t.schema}.${t.name}`} value={`${t.schema}.${t.name}`}>{`${t.schema}.${t.name}`}</option>
          ))}
        </select>
      </label>
      <label>
        <span>Column</span>
        <select aria-label={L('References column')} value={f.refColumn} onChange={(e) => set({ refColumn: e.target.value })}>
          {!refColumns.includes(f.refColumn) && <option value={f.refColumn}>{f.refColumn || 'choose…'}</option>}
          {refColumns.map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        <span>On delete</span>
        <select aria-label={L('On delete')} value={f.onDelete} onChange={(e) => set({ onDelete: e.target.value as FkAction })}>
          {FK_ACTIONS.map((a) => (
            <option key={a} value={a}>{a}</option>
          ))}
        </select>
      </label>
    </div>
  )
}
