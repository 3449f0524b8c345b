/** Show or hide the grid's columns (a disclosure menu of checkboxes; hidden columns still export). */
import type { VisibilityState } from '@tanstack/react-table'
import type { Field } from './model'

export function ColumnMenu({ fields, visibility, onChange }: { fields: Field[]; visibility: VisibilityState; onChange: (v: VisibilityState) => void }) {
  const hidden = fields.filter((f) => visibility[f.name] === false).length
  return (
    <details className="menu">
      <summary className="btn btn-secondary btn-sm">Columns{hidden ? ` (${hidden} hidden)` : ''}</summary>
      <div className="menu-panel" role="group" aria-label="Visible columns">
        {fields.map((f) => (
          <label key={f.name} className="menu-item">
            <input type="checkbox" checked={visibility[f.name] !== false} onChange={(e) => onChange({ ...visibility, [f.name]: e.target.checked })} />
            <span className="mono">{f.name}</span>
          </label>
        ))}
        <button type="button" className="link-btn" onClick={() => onChange({})}>Show all</button>
      </div>
    </details>
  )
}
