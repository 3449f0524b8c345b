/**
 * Add a rule (from a template, with the owner column picked from the table's columns, or
 * custom) or edit one. A 400 from the server is shown under the field it is about.
 */
import { useState } from 'react'
import { Button, Dialog } from '../../components'
import { adminFetch } from '../../lib/api'
import { fieldErrors, type FieldErrors } from './field-errors'
import { tablePath, type Operation, type Rule, type RuleInput, type TemplateKind } from './types'

export const TEMPLATES: { kind: TemplateKind; label: string; needsColumn: boolean }[] = [
  { kind: 'owner_only', label: 'Owner only: users read and write their own rows', needsColumn: true },
  { kind: 'owner_write_public_read', label: 'Everyone reads, owners write', needsColumn: true },
  { kind: 'public_read', label: 'Public read (anon and signed-in users)', needsColumn: false },
  { kind: 'signed_in_read', label: 'Signed-in users read everything', needsColumn: false },
]
/** What a template becomes (server/src/admin/templates.ts), said before it is added. */
function describeTemplate(kind: TemplateKind, column: string): string {
  const owner = `${column || '<column>'} = (select auth.uid())`
  switch (kind) {
    case 'owner_only':
      return `One rule: all operations, for authenticated, where ${owner}.`
    case 'owner_write_public_read':
      return `Two rules: <name>_read lets anon and authenticated select every row; <name>_write lets authenticated change rows where ${owner}.`
    case 'public_read':
      return 'One rule: select, for anon and authenticated, every row.'
    case 'signed_in_read':
      return 'One rule: select, for authenticated, every row.'
  }
}

const OPERATIONS: Operation[] = ['select', 'insert', 'update', 'delete', 'all']
const BASE_ROLES = ['anon', 'authenticated']

interface Props {
  table: string
  columns: { name: string; type: string }[]
  /** Edit this rule; undefined adds one. */
  rule?: Rule
  onClose(): void
  onSaved(): Promise<unknown> | void
}

function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  return errors[field] ? (
    <span className="field-error" role="alert">
      {errors[field]}
    </span>
  ) : null
}

export function RuleForm({ table, columns, rule, onClose, onSaved }: Props) {
  const tableName = table.split('.').slice(1).join('.')
  const ownerGuess = columns.find((c) => c.type === 'uuid' && /owner|user|author/.test(c.name)) ?? columns.find((c) => c.type === 'uuid')
  const [mode, setMode] = useState<'template' | 'custom'>(rule ? 'custom' : 'template')
  const [name, setName] = useState(rule?.name ?? `${tableName.replace(/[^a-z0-9_]/gi, '_')}_owner`)
  const [kind, setKind] = useState<TemplateKind>('owner_only')
  const [column, setColumn] = useState(ownerGuess?.name ?? columns[0]?.name ?? '')
  const [operation, setOperation] = useState<Operation>(rule?.operation ?? 'select')
  const [roles, setRoles] = useState<string[]>(rule?.roles ?? ['authenticated'])
  const [using, setUsing] = useState(rule?.using ?? '')
  const [check, setCheck] = useState(rule?.check ?? '')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const needsColumn = TEMPLATES.find((t) => t.kind === kind)?.needsColumn ?? false
  const takesUsing = operation !== 'insert'
  const takesCheck = operation !== 'select' && operation !== 'delete'

  const body = (): RuleInput => {
    if (mode === 'template') return { name, template: needsColumn ? { kind, column } : { kind } }
    return {
      name,
      operation,
      roles,
      ...(takesUsing && using.trim() ? { using } : {}),
      ...(takesCheck && check.trim() ? { check } : {}),
    }
  }

  const save = async () => {
    setBusy(true)
    setErrors({})
    try {
      const path = `${tablePath(table)}/rules`
      if (rule) await adminFetch(`${path}/${encodeURIComponent(rule.name)}`, { method: 'PATCH', body: body() })
      else await adminFetch(path, { method: 'POST', body: body() })
      await onSaved()
      onClose()
    } catch (err) {
      const fallback = mode === 'template' ? 'template' : takesUsing && using.trim() ? 'using' : 'check'
      setErrors(fieldErrors(err, ['name', 'operation', 'roles', 'using', 'check', 'template', 'column'], fallback))
    } finally {
      setBusy(false)
    }
  }

  const allRoles = [...new Set([...BASE_ROLES, ...roles])]
  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!busy}
      size="md"
      title={rule ? `Edit rule ${rule.name}` : `Add a rule to ${table}`}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>Cancel</Button>
          <Button variant="primary" loading={busy} onClick={() => void save()}>
            {rule ? 'Save rule' : 'Add rule'}
          </Button>
        </>
      }
    >
      <form className="form rule-form" onSubmit={(e) => (e.preventDefault(), void save())}>
        {!rule && (
          <div className="segmented" role="radiogroup" aria-label="Kind of rule">
            {(['template', 'custom'] as const).map((m) => (
              <label key={m} className={mode === m ? 'active' : ''}>
                <input type="radio" name="mode" checked={mode === m} onChange={() => setMode(m)} />
                {m === 'template' ? 'From a template' : 'Custom'}
              </label>
            ))}
          </div>
        )}
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} className="mono" />
          <FieldError errors={errors} field="name" />
        </label>
        {mode === 'template' ? (
          <>
            <label>
              Template
              <select value={kind} onChange={(e) => setKind(e.target.value as TemplateKind)}>
                {TEMPLATES.map((t) => (
                  <option key={t.kind} value={t.kind}>{t.label}</option>
                ))}
              </select>
              <FieldError errors={errors} field="template" />
            </label>
            {needsColumn && (
              <label>
                Owner column (the user's id)
                <select value={column} onChange={(e) => setColumn(e.target.value)}>
                  {columns.map((c) => (
                    <option key={c.name} value={c.name}>{c.name} ({c.type})</option>
                  ))}
                </select>
                <FieldError errors={errors} field="column" />
              </label>
            )}
            <p className="muted template-note">{describeTemplate(kind, column)}</p>
          </>
        ) : (
          <>
            <label>
              Operation
              <select value={operation} onChange={(e) => setOperation(e.target.value as Operation)}>
                {OPERATIONS.map((o) => (
                  <option key={o} value={o}>{o === 'all' ? 'all (select, insert, update, delete)' : o}</option>
                ))}
              </select>
              <FieldError errors={errors} field="operation" />
            </label>
            <fieldset className="rule-roles">
              <legend>Roles</legend>
              {allRoles.map((r) => (
                <label key={r} className="inline">
                  <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))} />
                  {r}
                </label>
              ))}
              <FieldError errors={errors} field="roles" />
            </fieldset>
            {takesUsing && (
              <label>
                Using (which existing rows it lets through)
                <textarea rows={3} className="mono" value={using} onChange={(e) => setUsing(e.target.value)} placeholder="owner_id = (select auth.uid())" />
                <FieldError errors={errors} field="using" />
              </label>
            )}
            {takesCheck && (
              <label>
                Check (which new or changed rows it accepts)
                <textarea rows={3} className="mono" value={check} onChange={(e) => setCheck(e.target.value)} placeholder="owner_id = (select auth.uid())" />
                <FieldError errors={errors} field="check" />
              </label>
            )}
          </>
        )}
      </form>
    </Dialog>
  )
}
