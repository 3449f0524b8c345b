/**
 * Rule templates: the common shapes, expanded into plain rules. Owner checks are written
 * `(select auth.uid())`, not `auth.uid()`: as an uncorrelated subquery Postgres plans it as an
 * InitPlan evaluated once per statement, instead of calling the function once per row
 * (see test/rules-api.int.test.ts for the 10,000-row comparison).
 */
import { quoteIdent } from '../db/index.js'
import type { PolicySpec } from './queries.js'

export const TEMPLATE_KINDS = ['public_read', 'signed_in_read', 'owner_only', 'owner_write_public_read'] as const
export type TemplateKind = (typeof TEMPLATE_KINDS)[number]

export interface Template {
  kind: TemplateKind
  /** The owner column (a uuid compared to the user's id) for the owner templates. */
  column?: string | undefined
}

export const ownerExpression = (column: string) => `${quoteIdent(column)} = (select auth.uid())`

/** The policies a template stands for; `owner_write_public_read` is two, suffixed _read/_write. */
export function expandTemplate(name: string, template: Template): PolicySpec[] {
  switch (template.kind) {
    case 'public_read':
      return [{ name, operation: 'select', roles: ['anon', 'authenticated'], using: 'true' }]
    case 'signed_in_read':
      return [{ name, operation: 'select', roles: ['authenticated'], using: 'true' }]
    case 'owner_only': {
      const owner = ownerExpression(template.column!)
      return [{ name, operation: 'all', roles: ['authenticated'], using: owner, check: owner }]
    }
    case 'owner_write_public_read': {
      const owner = ownerExpression(template.column!)
      return [
        { name: `${name}_read`, operation: 'select', roles: ['anon', 'authenticated'], using: 'true' },
        { name: `${name}_write`, operation: 'all', roles: ['authenticated'], using: owner, check: owner },
      ]
    }
  }
}
