/** The admin API's input and output shapes (zod), shared by its routes. */
import { z } from '@hono/zod-openapi'
import { TableNameText } from '../db/index.js'
import { TEMPLATE_KINDS } from './templates.js'

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/

export const Operation = z.enum(['select', 'insert', 'update', 'delete', 'all'])
const RuleName = z.string().regex(IDENT, 'expected a name of letters, digits and _ (at most 63)').openapi({ example: 'todos_owner' })
const RoleName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a role name').openapi({ example: 'authenticated' })
const Expression = z.string().trim().min(1, 'expected an SQL expression').max(8000)

export const TableParams = z.object({
  table: TableNameText.openapi({ param: { name: 'table', in: 'path' }, example: 'public.todos' }),
})
export const RuleParams = TableParams.extend({
  name: RuleName.openapi({ param: { name: 'name', in: 'path' } }),
})

export const Template = z
  .object({
    kind: z.enum(TEMPLATE_KINDS),
    column: z.string().regex(IDENT, 'expected a column name').optional(),
  })
  .refine((t) => t.kind === 'public_read' || t.kind === 'signed_in_read' || t.column !== undefined, {
    message: 'the owner templates need the owner column',
    path: ['column'],
  })

export const RuleInput = z
  .object({
    name: RuleName,
    operation: Operation.optional(),
    roles: z.array(RoleName).min(1).max(32).optional(),
    using: Expression.optional(),
    check: Expression.optional(),
    template: Template.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.template) {
      if (r.operation || r.roles || r.using || r.check) {
        ctx.addIssue({ code: 'custom', message: 'a template rule takes no operation, roles, using or check', path: ['template'] })
      }
      return
    }
    if (!r.operation) ctx.addIssue({ code: 'custom', message: 'required without a template', path: ['operation'] })
    if (!r.roles) ctx.addIssue({ code: 'custom', message: 'required without a template', path: ['roles'] })
    if (r.using === undefined && r.check === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs a using or a check expression', path: ['using'] })
    }
    if (r.operation === 'insert' && r.using !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'an insert rule takes only a check expression', path: ['using'] })
    }
    if ((r.operation === 'select' || r.operation === 'delete') && r.check !== undefined) {
      ctx.addIssue({ code: 'custom', message: `a ${r.operation} rule takes only a using expression`, path: ['check'] })
    }
  })
  .openapi('RuleInput')
export type RuleInput = z.infer<typeof RuleInput>

export const RulePatch = z
  .object({
    name: RuleName.optional(),
    operation: Operation.optional(),
    roles: z.array(RoleName).min(1).max(32).optional(),
    using: Expression.optional(),
    check: Expression.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
  .openapi('RulePatch')
export type RulePatch = z.infer<typeof RulePatch>

export const Rule = z
  .object({
    name: z.string(),
    operation: Operation,
    roles: z.array(z.string()),
    permissive: z.boolean(),
    using: z.string().nullable(),
    check: z.string().nullable(),
  })
  .openapi('Rule')
export type Rule = z.infer<typeof Rule>

export const RlsBody = z.object({ enabled: z.boolean() }).openapi('RlsBody')
export const RlsState = z.object({ schema: z.string(), table: z.string(), rls_enabled: z.boolean() }).openapi('RlsState')

export const Warning = z
  .object({
    schema: z.string(),
    table: z.string(),
    rls_enabled: z.boolean(),
    policy_count: z.number().int(),
    problem: z.enum(['rls_disabled', 'no_policy', 'view_bypasses_rls']),
    message: z.string(),
  })
  .openapi('RulesWarning')

const Scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])

export const ExplainInput = z
  .object({
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional().openapi({ description: 'The schema of a bare `table`; or name it in `table`' }),
    table: TableNameText,
    operation: z.enum(['select', 'insert', 'update', 'delete']),
    identity: z.object({
      role: RoleName,
      claims: z.record(z.string(), z.unknown()).default({}),
    }),
    /**
     * select/update/delete: column = value filters naming one existing row; insert: the new row.
     * For update, the check expression is evaluated on that row as it is (no new values yet).
     */
    row: z.record(z.string().max(63), Scalar).optional(),
  })
  .openapi('ExplainInput')
export type ExplainInput = z.infer<typeof ExplainInput>

const PolicyVerdict = z.object({
  name: z.string(),
  operation: Operation,
  roles: z.array(z.string()),
  permissive: z.boolean(),
  applies: z.boolean().openapi({ description: 'Whether it covers this role and operation' }),
  using: z.string().nullable(),
  using_result: z.boolean().nullable(),
  check: z.string().nullable(),
  check_result: z.boolean().nullable(),
  error: z.string().nullable().openapi({ description: 'Postgres error evaluating an expression, if any' }),
})

export const Explanation = z
  .object({
    schema: z.string(),
    table: z.string(),
    operation: z.string(),
    role: z.string(),
    rls_enabled: z.boolean(),
    bypasses_rls: z.boolean(),
    granted: z.boolean(),
    row_found: z.boolean().nullable(),
    outcome: z.enum(['visible', 'hidden', 'allowed', 'denied', 'not_permitted']),
    reason: z.string(),
    policies: z.array(PolicyVerdict),
  })
  .openapi('RuleExplanation')
export type Explanation = z.infer<typeof Explanation>
export type PolicyVerdict = z.infer<typeof PolicyVerdict>

export const RealtimeTable = z
  .object({
    schema: z.string(),
    table: z.string(),
    realtime: z.boolean().openapi({ description: 'Whether its changes are captured for postgres_changes subscribers' }),
  })
  .openapi('RealtimeTable')
