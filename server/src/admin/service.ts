/**
 * Rules as data over Postgres RLS. Each change is one transaction on the server's own role (the
 * tables' owner): Postgres parses and checks every expression while the policy is created, so a
 * bad one rolls back the whole request and nothing changes.
 */
import { parseTableName, parseTableParts, type WithOwner } from '../db/index.js'
import { ApiError, isPgError } from '../errors/index.js'
import type { Identity } from '../http/index.js'
import type { Logger } from '../log.js'
import { recordAudit } from './audit.js'
import { explainRule } from './explain.js'
import { listRealtimeTables, setRealtime, type RealtimeTable } from './realtime.js'
import * as q from './queries.js'
import { startRecording, stopRecording, type Client, type PolicySpec, type TableRow } from './queries.js'
import type { Explanation, ExplainInput, Rule, RuleInput, RulePatch } from './schemas.js'
import { expandTemplate } from './templates.js'

export interface RulesServiceDeps {
  /** The server's own role owns the tables whose policies change. */
  withOwner: WithOwner
  exposedSchemas: readonly string[]
  /** Roles a rule may name besides `public`: the roles this instance serves. */
  allowedRoles: ReadonlySet<string>
  statementTimeoutMs: number
  log: Logger
}

export interface RulesService {
  listRules(target: string): Promise<Rule[]>
  createRules(target: string, input: RuleInput, by: Identity): Promise<Rule[]>
  updateRule(target: string, name: string, patch: RulePatch, by: Identity): Promise<Rule>
  deleteRule(target: string, name: string, by: Identity): Promise<void>
  setRowLevelSecurity(target: string, enabled: boolean, by: Identity): Promise<{ schema: string; table: string; rls_enabled: boolean }>
  listWarnings(): Promise<{ schema: string; table: string; rls_enabled: boolean; policy_count: number; problem: 'rls_disabled' | 'no_policy' | 'view_bypasses_rls'; message: string }[]>
  explain(input: ExplainInput): Promise<Explanation>
  /** Tables of the exposed schemas whose changes realtime captures (postgres_changes). */
  listRealtimeTables(): Promise<RealtimeTable[]>
  /** Turns realtime on or off for a table (attaches or drops its capture triggers). */
  setRealtime(target: string, enabled: boolean, by: Identity): Promise<RealtimeTable>
}


/**
 * Postgres' verdict on a rule: a syntax, name, type or privilege error in an expression is the
 * admin's input, so 400 naming Postgres' message; anything else (a lost connection) is not.
 */
function ruleError(err: unknown): unknown {
  if (!isPgError(err)) return err
  if (err.code === '42710') return new ApiError('RULES_RULE_EXISTS', { details: err.message, cause: err })
  // lock_timeout: a long transaction holds the table; the admin may simply retry.
  if (err.code === '55P03') return new ApiError('SERVICE_UNAVAILABLE', { details: 'The table is locked by another transaction', hint: 'Retry shortly', cause: err })
  if (err.code === '42704' && /role/.test(err.message)) return new ApiError('RULES_INVALID_ROLE', { details: err.message, cause: err })
  if (/^(42|22|2B|0A|P0)/.test(err.code)) {
    return new ApiError('RULES_INVALID_EXPRESSION', {
      message: `Postgres rejected the rule: ${err.message}`,
      details: err.detail ?? err.message,
      hint: err.hint ?? 'Check the using / check expressions: they are SQL evaluated for each row',
      cause: err,
    })
  }
  return err
}

export function createRulesService(deps: RulesServiceDeps): RulesService {
  const { withOwner } = deps
  const txOptions = { statementTimeoutMs: deps.statementTimeoutMs, lockTimeoutMs: 5000 }

  function inTransaction<T>(reason: string, fn: (client: Client) => Promise<T>, options: { rollback?: boolean } = {}): Promise<T> {
    return withOwner(`admin: ${reason}`, ({ client }) => fn(client), { ...txOptions, ...options })
  }

  /** A change: its statements and one audit entry naming them, in one transaction. */
  function inChange<T>(reason: string, by: Identity, action: string, target: string, fn: (client: Client) => Promise<T>): Promise<T> {
    return inTransaction(reason, async (client) => {
      const statements = startRecording(client)
      try {
        const result = await fn(client)
        if (statements.length > 0) await recordAudit(client, by, { action, target, sql: statements.map((s) => `${s};`).join('\n') })
        return result
      } finally {
        stopRecording(client)
      }
    })
  }

  /** `target` as the shared parser reads it (platform schemas but storage.objects refused), then found. */
  async function resolveTable(client: Client, target: string): Promise<TableRow> {
    const { schema, table } = parseTableName(target, deps.exposedSchemas)
    const found = await q.findTable(client, schema, table)
    if (!found) {
      throw new ApiError('RULES_TABLE_NOT_FOUND', {
        details: `No table ${schema}.${table}`,
        hint: 'Name the table as <table> (default schema) or <schema>.<table>',
      })
    }
    return found
  }

  function checkRoles(roles: string[]): void {
    const unknown = roles.filter((r) => r !== 'public' && !deps.allowedRoles.has(r))
    if (unknown.length > 0) {
      throw new ApiError('RULES_INVALID_ROLE', {
        details: `Not served by this instance: ${unknown.join(', ')}`,
        hint: `Use public or one of ${[...deps.allowedRoles].join(', ')}`,
      })
    }
  }

  /** The audit log names the table as resolved (`todos` is recorded as `public.todos`). */
  function qualify(target: string): string {
    const { schema, table } = parseTableName(target, deps.exposedSchemas)
    return `${schema}.${table}`
  }

  async function getRule(client: Client, t: TableRow, name: string): Promise<Rule> {
    const found = (await q.listPolicies(client, t.oid)).find((p) => p.name === name)
    if (!found) throw new ApiError('RULES_RULE_NOT_FOUND', { details: `No rule ${name} on ${t.schema}.${t.table}` })
    return { name: found.name, operation: found.command, roles: found.roles, permissive: found.permissive, using: found.using, check: found.check }
  }

  async function applyRule(client: Client, t: TableRow, spec: PolicySpec): Promise<void> {
    checkRoles(spec.roles)
    await q.createPolicy(client, t, spec).catch((err: unknown) => Promise.reject(ruleError(err)))
  }

  return {
    listRules: (target) =>
      inTransaction('list rules', async (client) => {
        const t = await resolveTable(client, target)
        return (await q.listPolicies(client, t.oid)).map((p) => ({
          name: p.name, operation: p.command, roles: p.roles, permissive: p.permissive, using: p.using, check: p.check,
        }))
      }, { rollback: true }),

    createRules: (target, input, by) =>
      inChange('create rules', by, 'rules.create', qualify(target), async (client) => {
        const t = await resolveTable(client, target)
        const specs: PolicySpec[] = input.template
          ? expandTemplate(input.name, input.template)
          : [{ name: input.name, operation: input.operation!, roles: input.roles!, using: input.using, check: input.check }]
        for (const spec of specs) await applyRule(client, t, spec)
        return Promise.all(specs.map((s) => getRule(client, t, s.name)))
      }),

    updateRule: (target, name, patch, by) =>
      inChange('update a rule', by, 'rules.update', `${qualify(target)}.${name}`, async (client) => {
        const t = await resolveTable(client, target)
        const current = await getRule(client, t, name)
        const next: PolicySpec = {
          name: patch.name ?? name,
          operation: patch.operation ?? current.operation,
          roles: patch.roles ?? current.roles,
          using: patch.using ?? current.using ?? undefined,
          check: patch.check ?? current.check ?? undefined,
        }
        if (next.operation !== current.operation) {
          // ALTER POLICY cannot change the command: replace the policy, still in one transaction.
          await q.dropPolicy(client, t, name)
          if (next.operation === 'insert') next.using = undefined
          if (next.operation === 'select' || next.operation === 'delete') next.check = undefined
          await applyRule(client, t, next)
        } else {
          if (patch.roles) checkRoles(patch.roles)
          await q.alterPolicy(client, t, name, patch).catch((err: unknown) => Promise.reject(ruleError(err)))
          if (next.name !== name) await q.renamePolicy(client, t, name, next.name).catch((err: unknown) => Promise.reject(ruleError(err)))
        }
        return getRule(client, t, next.name)
      }),

    deleteRule: (target, name, by) =>
      inChange('delete a rule', by, 'rules.delete', `${qualify(target)}.${name}`, async (client) => {
        const t = await resolveTable(client, target)
        await getRule(client, t, name)
        await q.dropPolicy(client, t, name)
      }),

    setRowLevelSecurity: async (target, enabled, by) => {
      const t = await inChange('set row-level security', by, enabled ? 'rules.enable_rls' : 'rules.disable_rls', qualify(target), async (client) => {
        const table = await resolveTable(client, target)
        await q.setRowLevelSecurity(client, table, enabled)
        return table
      })
      if (!enabled) {
        // An explicit act that opens the table to every role its grants allow: leave a trace.
        deps.log.warn(
          { table: `${t.schema}.${t.table}`, identity: { role: by.role, via: by.via, sub: by.claims.sub ?? null } },
          'row-level security disabled by an admin: the table is served to every role its grants allow',
        )
      }
      return { schema: t.schema, table: t.table, rls_enabled: enabled }
    },

    listWarnings: () =>
      inTransaction('list rule warnings', async (client) => {
        const tables = (await q.listTableWarnings(client, [...deps.exposedSchemas])).map((r) => ({
          ...r,
          problem: r.rls_enabled ? ('no_policy' as const) : ('rls_disabled' as const),
          message: r.rls_enabled
            ? 'Row-level security is on but no rule exists: only the service role can use this table'
            : 'Row-level security is off: every role with a grant reads and writes every row',
        }))
        const views = (await q.listViewWarnings(client, [...deps.exposedSchemas])).map((v) => ({
          ...v,
          rls_enabled: false,
          policy_count: 0,
          problem: 'view_bypasses_rls' as const,
          message: "This view reads tables with rules but runs with its owner's rights: set security_invoker = true",
        }))
        return [...tables, ...views]
      }, { rollback: true }),

    explain: (input) =>
      inTransaction('explain rules', async (client) => {
        const { schema, table } = parseTableParts(input, deps.exposedSchemas)
        const t = await resolveTable(client, `${schema}.${table}`)
        // The explainer switches to this role: only a role this instance serves (never `public`).
        if (!deps.allowedRoles.has(input.identity.role)) {
          throw new ApiError('RULES_INVALID_ROLE', { details: `Not served by this instance: ${input.identity.role}` })
        }
        return explainRule(client, t, input)
      }, { rollback: true }),

    listRealtimeTables: () => inTransaction('list realtime tables', (client) => listRealtimeTables(client, [...deps.exposedSchemas]), { rollback: true }),

    setRealtime: (target, enabled, by) =>
      inChange(`turn realtime ${enabled ? 'on' : 'off'}`, by, enabled ? 'realtime.enable' : 'realtime.disable', qualify(target), async (client) =>
        setRealtime(client, await resolveTable(client, target), enabled)),
  }
}
