/** One table's rules, its RLS and realtime switches, and the add / edit / delete of rules. */
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Button, ConfirmDialog, EmptyState, ErrorState, Loading, useToast } from '../../components'
import { adminFetch, useAdminQuery } from '../../lib/api'
import { RuleForm } from './RuleForm'
import { TableSwitches } from './TableSwitches'
import { tablePath, type Rule } from './types'

export interface TableDetailLite {
  schema: string
  name: string
  rls_enabled: boolean
  realtime: boolean
  columns: { name: string; type: string }[]
  primary_key: { name: string; columns: string[] } | null
}

/** Everything a rules change can alter: the lists, this table, the warnings. */
export function useRefreshRules(table: string) {
  const qc = useQueryClient()
  return () =>
    Promise.all(
      ['/tables', tablePath(table), `${tablePath(table)}/rules`, '/rules/warnings', '/realtime/tables'].map((p) => qc.invalidateQueries({ queryKey: ['admin', p] })),
    )
}

function Expr({ text }: { text: string | null }) {
  return text === null ? <span className="muted">—</span> : <code className="rule-expr">{text}</code>
}

export function TableRules({ table }: { table: string }) {
  const detail = useAdminQuery<TableDetailLite>(tablePath(table))
  const rules = useAdminQuery<Rule[]>(`${tablePath(table)}/rules`)
  const refresh = useRefreshRules(table)
  const toast = useToast()
  const [editing, setEditing] = useState<Rule | 'new'>()
  const [deleting, setDeleting] = useState<Rule>()

  if (detail.isPending || rules.isPending) return <Loading />
  if (detail.error) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
  if (rules.error) return <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
  const t = detail.data

  return (
    <section className="card table-rules" aria-label={`Rules of ${table}`}>
      <header className="table-rules-head">
        <h2 className="mono">{table}</h2>
        <TableSwitches table={table} rlsEnabled={t.rls_enabled} realtime={t.realtime} onChanged={refresh} />
      </header>
      {!t.rls_enabled && (
        <div className="notice" role="note">
          Row-level security is off: every client with the table's privileges reads and writes every row. Rules below take effect only once it is on.
        </div>
      )}
      {rules.data.length === 0 ? (
        <EmptyState title="No rules" action={<Button variant="primary" onClick={() => setEditing('new')}>Add a rule</Button>}>
          {t.rls_enabled ? 'With RLS on and no rule, no client (anon or signed in) can see or change any row.' : 'Add a rule, then turn RLS on.'}
        </EmptyState>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table rules-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Operation</th>
                  <th>Roles</th>
                  <th>Using</th>
                  <th>Check</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {rules.data.map((r) => (
                  <tr key={r.name}>
                    <td className="mono">
                      {r.name}
                      {!r.permissive && <span className="badge" title="Restrictive: must also pass">restrictive</span>}
                    </td>
                    <td>{r.operation}</td>
                    <td>{r.roles.join(', ')}</td>
                    <td><Expr text={r.using} /></td>
                    <td><Expr text={r.check} /></td>
                    <td className="row-actions">
                      <Button size="sm" onClick={() => setEditing(r)}>Edit</Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(r)} aria-label={`Delete rule ${r.name}`}>Delete</Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <Button variant="primary" onClick={() => setEditing('new')}>Add a rule</Button>
          </div>
        </>
      )}
      {editing && (
        <RuleForm
          table={table}
          columns={t.columns}
          rule={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={async () => {
            await refresh()
            toast.success(editing === 'new' ? 'Rule added' : 'Rule saved')
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={`Delete rule ${deleting?.name ?? ''}?`}
        danger
        confirmLabel="Delete rule"
        onConfirm={async () => {
          await adminFetch(`${tablePath(table)}/rules/${encodeURIComponent(deleting!.name)}`, { method: 'DELETE' })
          await refresh()
          toast.success('Rule deleted')
        }}
      >
        <p>Clients lose what this rule allowed them ({deleting?.operation} for {deleting?.roles.join(', ')}) at once.</p>
      </ConfirmDialog>
    </section>
  )
}
