/** The read-only parts of a table's page: the columns grid, foreign key lists, index list. */
import { Button } from '../../components'
import type { ForeignKey, Index, Open, TableDetail } from './types'

export function ColumnsTable({ table: t, onOpen }: { table: TableDetail; onOpen(o: Open): void }) {
  const path = `/tables/${encodeURIComponent(`${t.schema}.${t.name}`)}/columns/`
  return (
    <div className="table-scroll">
      <table className="table schema-columns">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Nullable</th>
            <th>Default</th>
            <th>Unique</th>
            <th>Identity</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {t.columns.map((c) => (
            <tr key={c.name}>
              <td className="mono">
                {c.name} {c.primary_key && <span className="badge badge-pk" title="Primary key">PK</span>}
              </td>
              <td className="mono">{c.type}</td>
              <td>{c.nullable ? 'yes' : <strong>not null</strong>}</td>
              <td className="mono">{c.default ?? <span className="muted">—</span>}</td>
              <td>{c.unique ? 'unique' : ''}</td>
              <td>{c.identity ? c.identity.replace('_', ' ') : ''}</td>
              <td className="row-actions">
                <Button size="sm" onClick={() => onOpen({ kind: 'alter-column', column: c })} aria-label={`Change column ${c.name}`}>Change</Button>
                <Button size="sm" variant="ghost" onClick={() => onOpen({ kind: 'drop', what: `column ${c.name}`, path: `${path}${encodeURIComponent(c.name)}`, cascade: true })} aria-label={`Drop column ${c.name}`}>
                  Drop
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function ForeignKeyList({ keys, direction, onDrop }: { keys: ForeignKey[]; direction: 'out' | 'in'; onDrop?(fk: ForeignKey): void }) {
  if (keys.length === 0) return <p className="muted schema-none">{direction === 'out' ? 'No foreign keys.' : 'No table references this one.'}</p>
  return (
    <ul className="schema-list">
      {keys.map((k) => (
        <li key={`${k.schema}.${k.table}.${k.name}`}>
          <span className="mono">
            {direction === 'out' ? (
              <>({k.columns.join(', ')}) → {k.referenced_schema}.{k.referenced_table} ({k.referenced_columns.join(', ')})</>
            ) : (
              <>{k.schema}.{k.table} ({k.columns.join(', ')}) → ({k.referenced_columns.join(', ')})</>
            )}
          </span>
          <span className="muted"> on delete {k.on_delete} · {k.name}</span>
          {onDrop && (
            <Button size="sm" variant="ghost" onClick={() => onDrop(k)} aria-label={`Drop foreign key ${k.name}`}>Drop</Button>
          )}
        </li>
      ))}
    </ul>
  )
}

export function IndexList({ indexes, onDrop }: { indexes: Index[]; onDrop(i: Index): void }) {
  if (indexes.length === 0) return <p className="muted schema-none">No indexes.</p>
  return (
    <ul className="schema-list">
      {indexes.map((i) => (
        <li key={i.name}>
          <span className="mono">{i.name}</span>
          <span className="muted">
            {' '}({i.columns.join(', ')}) {i.method}
            {i.primary ? ' · primary key' : i.unique ? ' · unique' : ''}
          </span>
          {!i.primary && (
            <Button size="sm" variant="ghost" onClick={() => onDrop(i)} aria-label={`Drop index ${i.name}`}>Drop</Button>
          )}
        </li>
      ))}
    </ul>
  )
}
