/** The explainer's answer: the verdict in one line, then each rule that applied and how it evaluated. */
import type { Explanation, PolicyVerdict } from './types'

const YES = new Set(['visible', 'allowed'])
const HEADLINE: Record<Explanation['outcome'], string> = {
  visible: 'Can see it',
  hidden: 'Cannot see it',
  allowed: 'Allowed',
  denied: 'Denied',
  not_permitted: 'Not permitted',
}

function Result({ v }: { v: boolean | null }) {
  if (v === null) return <span className="muted">—</span>
  return <span className={v ? 'verdict-yes' : 'verdict-no'}>{v ? 'true' : 'false'}</span>
}

function PolicyRow({ p }: { p: PolicyVerdict }) {
  return (
    <tr className={p.applies ? '' : 'muted'}>
      <td className="mono">{p.name}</td>
      <td>{p.applies ? 'applies' : `not for this ${p.roles.length ? 'role/operation' : 'role'}`}</td>
      <td>{p.using !== null ? <><code>{p.using}</code> → <Result v={p.using_result} /></> : '—'}</td>
      <td>{p.check !== null ? <><code>{p.check}</code> → <Result v={p.check_result} /></> : '—'}</td>
      <td>{p.error && <span className="field-error">{p.error}</span>}</td>
    </tr>
  )
}

export function ExplanationView({ answer, who }: { answer: Explanation; who?: string }) {
  const yes = YES.has(answer.outcome)
  return (
    <div className={`explanation ${yes ? 'explanation-yes' : 'explanation-no'}`} data-testid="explanation" data-outcome={answer.outcome}>
      <p className="explanation-headline">
        <span aria-hidden="true">{yes ? '✓' : '✕'}</span> {HEADLINE[answer.outcome]}
        <span className="muted"> — {who ? `${who} (${answer.role})` : answer.role}, {answer.operation}</span>
      </p>
      <p className="explanation-reason">{answer.reason}</p>
      {answer.policies.length > 0 && (
        <div className="table-scroll">
          <table className="table explanation-policies">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Applies</th>
                <th>Using</th>
                <th>Check</th>
                <th aria-label="Error" />
              </tr>
            </thead>
            <tbody>
              {answer.policies.map((p) => (
                <PolicyRow key={p.name} p={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
