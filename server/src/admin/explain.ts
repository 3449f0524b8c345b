/**
 * The rule explainer: for one identity, operation and row, which policies cover that role and
 * operation and what each one's expressions say about the row. Runs in a transaction the service
 * rolls back.
 *
 * Safety: the only SQL text evaluated is the policies' own expressions, read back from the catalog
 * (pg_get_expr), never text from the request. The row is read by the server's role (the owner, so
 * RLS does not hide it), then each expression is evaluated AS the identity's role with its claims,
 * under a savepoint, against that row's values given as a parameter
 * (`jsonb_populate_record(null::<table>, $1)` aliased as the table, so column references and
 * `<table>.<column>` in subqueries resolve as they do in the policy). Subqueries in an expression
 * therefore see what that role sees, as when Postgres applies the policy.
 */
import { quoteIdent, withTrialSavepoint } from '../db/index.js'
import { ApiError } from '../errors/index.js'
import { listColumns, listPolicies, qualifiedName, run, type Client, type PolicyRow, type TableRow } from './queries.js'
import type { Explanation, ExplainInput, PolicyVerdict } from './schemas.js'

type Row = Record<string, unknown>

async function findRow(client: Client, t: TableRow, filter: Record<string, unknown>): Promise<Row | undefined> {
  const entries = Object.entries(filter)
  if (entries.length === 0) throw new ApiError('INVALID_INPUT', { message: 'row: name at least one column' })
  const values: unknown[] = []
  const where = entries.map(([col, v]) => {
    if (v === null) return `${quoteIdent(col)} is null`
    values.push(typeof v === 'string' ? v : JSON.stringify(v))
    return `${quoteIdent(col)} = $${values.length}`
  })
  const rows = await run<{ row: Row }>(client, `select to_jsonb(t) as row from ${qualifiedName(t)} as t where ${where.join(' and ')} limit 2`, values)
  if (rows.length > 1) throw new ApiError('RULES_ROW_AMBIGUOUS', { hint: 'Name the row by its primary key' })
  return rows[0]?.row
}

/** One expression as the identity, for one row: true / false / null (SQL null or an error). */
async function evaluate(client: Client, t: TableRow, role: string, expr: string, row: Row): Promise<{ value: boolean | null; error: string | null }> {
  // The trial savepoint is always rolled back, which also restores the server's role set in it.
  return withTrialSavepoint(client, async () => {
    try {
      await run(client, `select set_config('role', $1, true)`, [role])
      const rows = await run<{ ok: boolean | null }>(
        client,
        `select (${expr})::boolean as ok from jsonb_populate_record(null::${qualifiedName(t)}, $1::jsonb) as ${quoteIdent(t.table)}`,
        [JSON.stringify(row)],
      )
      return { value: rows[0]?.ok ?? null, error: null }
    } catch (err) {
      return { value: null, error: err instanceof Error ? err.message : String(err) }
    }
  })
}

const covers = (p: PolicyRow, op: string) => p.command === 'all' || p.command === op

/** Postgres: permissive policies are OR-ed, restrictive ones AND-ed, and no permissive one denies. */
function combine(verdicts: PolicyVerdict[], pick: (v: PolicyVerdict) => boolean | null): boolean {
  const applying = verdicts.filter((v) => v.applies)
  const permissive = applying.filter((v) => v.permissive)
  return permissive.some((v) => pick(v) === true) && applying.filter((v) => !v.permissive).every((v) => pick(v) === true)
}

export async function explainRule(client: Client, t: TableRow, input: ExplainInput): Promise<Explanation> {
  const { role } = input.identity
  const op = input.operation
  const [priv] = await run<{ granted: boolean; bypasses: boolean }>(
    client,
    `select has_table_privilege($1, $2::oid, $3) as granted,
            coalesce((select rolbypassrls or rolsuper from pg_roles where rolname = $1), false) as bypasses`,
    [role, t.oid, op.toUpperCase()],
  )
  const { granted, bypasses } = priv!

  let row: Row | undefined
  let rowFound: boolean | null = null
  if (input.row) {
    const columns = new Set(await listColumns(client, t.oid))
    const unknown = Object.keys(input.row).filter((c) => !columns.has(c))
    if (unknown.length > 0) throw new ApiError('INVALID_INPUT', { message: `row: no column ${unknown.join(', ')} in ${t.schema}.${t.table}` })
    // An insert's row is the proposed new row, not one to look up.
    row = op === 'insert' ? input.row : await findRow(client, t, input.row)
    rowFound = op === 'insert' ? null : row !== undefined
  }

  await run(client, `select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ ...input.identity.claims, role })])
  const memberOf = async (roles: string[]) =>
    roles.includes('public') ||
    ((await run<{ ok: boolean }>(client, `select coalesce(bool_or(pg_has_role($1, r, 'member')), false) as ok from unnest($2::text[]) r`, [role, roles]))[0]?.ok ?? false)

  const verdicts: PolicyVerdict[] = []
  for (const p of await listPolicies(client, t.oid)) {
    const applies = covers(p, op) && (await memberOf(p.roles))
    // Without WITH CHECK, Postgres checks new rows with the USING expression (ALL / UPDATE).
    const checkExpr = p.check ?? (p.command === 'all' || p.command === 'update' ? p.using : null)
    const v: PolicyVerdict = { ...pick(p), applies, using_result: null, check_result: null, error: null }
    if (applies && row) {
      if (op !== 'insert' && p.using !== null) Object.assign(v, toVerdict('using', await evaluate(client, t, role, p.using, row), v))
      if ((op === 'insert' || op === 'update') && checkExpr !== null) Object.assign(v, toVerdict('check', await evaluate(client, t, role, checkExpr, row), v))
      if ((op === 'insert' || op === 'update') && checkExpr === null) v.check_result = true
    }
    verdicts.push(v)
  }
  const base = { schema: t.schema, table: t.table, operation: op, role, rls_enabled: t.rls_enabled, bypasses_rls: bypasses, granted, row_found: rowFound, policies: verdicts }
  return { ...base, ...decide(op, base, row) }
}

function pick(p: PolicyRow) {
  return { name: p.name, operation: p.command, roles: p.roles, permissive: p.permissive, using: p.using, check: p.check }
}

function toVerdict(which: 'using' | 'check', r: { value: boolean | null; error: string | null }, v: PolicyVerdict): Partial<PolicyVerdict> {
  return which === 'using' ? { using_result: r.value, error: r.error ?? v.error } : { check_result: r.value, error: r.error ?? v.error }
}

function decide(
  op: ExplainInput['operation'],
  s: { role: string; rls_enabled: boolean; bypasses_rls: boolean; granted: boolean; policies: PolicyVerdict[]; row_found: boolean | null },
  row: Row | undefined,
): Pick<Explanation, 'outcome' | 'reason'> {
  const [yes, no] = op === 'select' ? (['visible', 'hidden'] as const) : (['allowed', 'denied'] as const)
  if (!s.granted) return { outcome: 'not_permitted', reason: `Role ${s.role} has no ${op.toUpperCase()} privilege on the table: rules are never reached` }
  if (s.bypasses_rls) return { outcome: yes, reason: `Role ${s.role} bypasses row-level security` }
  if (!s.rls_enabled) return { outcome: yes, reason: 'Row-level security is off on this table: every row is open to roles with the privilege' }
  const applying = s.policies.filter((p) => p.applies)
  if (!applying.some((p) => p.permissive)) return { outcome: no, reason: `No rule allows ${s.role} to ${op} rows of this table` }
  if (s.row_found === false) return { outcome: no, reason: 'No row matches the given filter' }
  if (!row) return { outcome: yes, reason: `Rules ${applying.map((p) => p.name).join(', ')} may allow some rows: send a row to evaluate them` }
  const usingOk = op === 'insert' || combine(s.policies, (v) => v.using_result)
  const checkOk = op === 'select' || op === 'delete' || combine(s.policies, (v) => v.check_result)
  if (usingOk && checkOk) {
    const by = applying.filter((p) => p.permissive && (op === 'insert' ? p.check_result : p.using_result) === true).map((p) => p.name)
    return { outcome: yes, reason: `Allowed by ${by.join(', ')}` }
  }
  const failed = applying.filter((p) => p.using_result === false || p.check_result === false || p.error).map((p) => p.name)
  const why = !usingOk ? 'no rule\'s using expression is true for this row' : 'the new row fails the check expression'
  return { outcome: no, reason: `For ${s.role}, ${why} (${failed.join(', ') || 'none true'})` }
}
