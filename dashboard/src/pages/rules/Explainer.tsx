/**
 * "Can this user see or change this row, and which rule decides?": POST /admin/v1/rules/explain
 * with an identity (a user, or anon), an operation and a row named by its primary key.
 */
import { useState } from 'react'
import { Button, ErrorState } from '../../components'
import { adminFetch, useAdminQuery } from '../../lib/api'
import { ExplanationView } from './ExplanationView'
import type { TableDetailLite } from './TableRules'
import { tablePath, type Explanation } from './types'
import { useAction } from '../../lib/use-action'

interface UserList {
  users: { id: string; email: string }[]
}
type Op = 'select' | 'insert' | 'update' | 'delete'
const OTHER = '__other__'

function parseValue(v: string): string | number | boolean | null {
  if (v === 'null') return null
  return v
}

export function Explainer({ table }: { table: string }) {
  const users = useAdminQuery<UserList>('/users', { query: { limit: 200 } })
  const detail = useAdminQuery<TableDetailLite>(tablePath(table))
  const [who, setWho] = useState('anon')
  const [otherId, setOtherId] = useState('')
  const [op, setOp] = useState<Op>('select')
  const [key, setKey] = useState<Record<string, string>>({})
  const [newRow, setNewRow] = useState('{}')
  const [answer, setAnswer] = useState<{ e: Explanation; who: string }>()
  const { busy, error, run } = useAction()
  const pk = detail.data?.primary_key?.columns ?? []

  const ask = async () => {
    setAnswer(undefined)
    await run(async () => {
      const userId = who === OTHER ? otherId.trim() : who
      const identity = who === 'anon' ? { role: 'anon', claims: {} } : { role: 'authenticated', claims: { sub: userId, role: 'authenticated' } }
      let row: Record<string, unknown> | undefined
      if (op === 'insert') row = JSON.parse(newRow || '{}') as Record<string, unknown>
      else if (pk.some((c) => key[c]?.trim())) row = Object.fromEntries(pk.map((c) => [c, parseValue(key[c]?.trim() ?? '')]))
      const [schema, ...rest] = table.split('.')
      const e = await adminFetch<Explanation>('/rules/explain', { method: 'POST', body: { schema, table: rest.join('.'), operation: op, identity, row } })
      const label = who === 'anon' ? 'anon' : (users.data?.users.find((u) => u.id === userId)?.email ?? `user ${userId}`)
      setAnswer({ e, who: label })
    })
  }

  return (
    <section className="card rules-explainer" aria-label="Explain">
      <h2>Who can see this row?</h2>
      <p className="muted">Evaluates the rules of <span className="mono">{table}</span> as a user would meet them, in a transaction that is rolled back.</p>
      <form className="explain-form" onSubmit={(e) => (e.preventDefault(), void ask())}>
        <label>
          As
          <select value={who} onChange={(e) => setWho(e.target.value)} aria-label="As user">
            <option value="anon">anon (signed out)</option>
            {users.data?.users.map((u) => (
              <option key={u.id} value={u.id}>{u.email}</option>
            ))}
            <option value={OTHER}>another user id…</option>
          </select>
        </label>
        {who === OTHER && (
          <label>
            User id
            <input className="mono" value={otherId} onChange={(e) => setOtherId(e.target.value)} placeholder="uuid" />
          </label>
        )}
        <label>
          Operation
          <select value={op} onChange={(e) => setOp(e.target.value as Op)}>
            <option value="select">see (select)</option>
            <option value="update">change (update)</option>
            <option value="delete">delete</option>
            <option value="insert">insert</option>
          </select>
        </label>
        {op === 'insert' ? (
          <label className="explain-wide">
            The new row (JSON)
            <textarea rows={2} className="mono" value={newRow} onChange={(e) => setNewRow(e.target.value)} />
          </label>
        ) : pk.length > 0 ? (
          pk.map((c) => (
            <label key={c}>
              Row {c}
              <input className="mono" value={key[c] ?? ''} onChange={(e) => setKey((k) => ({ ...k, [c]: e.target.value }))} placeholder="primary key" />
            </label>
          ))
        ) : (
          detail.data && <p className="muted">No primary key: the answer covers the table as a whole.</p>
        )}
        <div className="explain-submit">
          <Button type="submit" variant="primary" loading={busy}>Explain</Button>
        </div>
      </form>
      {error !== undefined && <ErrorState error={error} compact />}
      {answer && <ExplanationView answer={answer.e} who={answer.who} />}
    </section>
  )
}
