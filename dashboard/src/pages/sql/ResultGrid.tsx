/** One statement's rows: column names and types in the header, NULL drawn apart from the text 'NULL'. */
import { plural } from '../../lib/format'
import type { SqlResult } from './types'

function Cell({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="sql-null">NULL</span>
  if (typeof value === 'object') return <span className="mono">{JSON.stringify(value)}</span>
  if (typeof value === 'boolean') return <span className="mono">{String(value)}</span>
  return <>{String(value)}</>
}

export function ResultGrid({ result }: { result: SqlResult }) {
  const count = result.row_count
  if (result.columns.length === 0) {
    return (
      <p className="sql-command muted">
        <strong>{result.command}</strong>
        {count !== null && ` — ${plural(count, 'row')} affected`}
      </p>
    )
  }
  return (
    <div className="sql-grid-wrap">
      {result.truncated && (
        <div className="notice sql-truncated" role="note">
          Showing the first {plural(result.rows.length, 'row')} of {count ?? 'more'}: the rest were not sent.
        </div>
      )}
      <div className="sql-grid-scroll">
        <table className="table sql-grid">
          <thead>
            <tr>
              <th className="sql-rownum" aria-label="Row number">#</th>
              {result.columns.map((c, i) => (
                <th key={i} scope="col">
                  <span className="sql-col-name">{c.name}</span>
                  <span className="sql-col-type">{c.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, r) => (
              <tr key={r}>
                <td className="sql-rownum">{r + 1}</td>
                {row.map((v, i) => (
                  <td key={i}>
                    <Cell value={v} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.rows.length === 0 && <p className="muted sql-no-rows">No rows.</p>}
    </div>
  )
}
