/**
 * The table editor's door to the rows: `/admin/v1/rest/<table>` and `/admin/v1/rest/rpc/<fn>`
 * speak the data API's grammar (PostgREST's, so the dashboard uses postgrest-js on it) as
 * `service_role`: an admin browses and edits every row, as Supabase's table editor does, whatever
 * the rules say to users. requireAdmin has let the caller in before these routes run; the admin's
 * own claims (`sub`, `email`) stay in `request.jwt.claims`, so `auth.uid()` defaults name them.
 * Writes are recorded in the audit log (table, verb, filters), after the data API committed.
 */
import { ApiError } from '../../errors/index.js'
import { registerDirect, requireIdentity, type DirectRoute, type Identity, type Router } from '../../http/index.js'
import type { WithOwner } from '../../db/index.js'
import type { RestHandler } from '../../rest/index.js'
import { recordAudit } from '../audit.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'] as const
const WRITES: Record<string, string> = { POST: 'data.insert', PATCH: 'data.update', DELETE: 'data.delete' }

/** The admin, raised to service_role for the data API. */
function asServiceRole(admin: Identity): Identity {
  return { role: 'service_role', via: admin.via, claims: { ...admin.claims, role: 'service_role' } }
}

/** What the data door needs (AdminRouterDeps has it; declared here so router.ts's import of this door is one-way). */
export interface DataDeps {
  withOwner: WithOwner
  rest: RestHandler
  bodyLimit: number
}

export function registerDataRoutes(router: Router, deps: DataDeps): void {
  const route = (kind: 'table' | 'rpc', path: string): DirectRoute => ({
    methods: METHODS,
    path,
    serve: async (req, identity) => {
      const admin = requireIdentity({ var: { identity } })
      const name = req.params.name
      if (!name) throw new ApiError('NOT_FOUND')
      const out = await deps.rest.handle({
        method: req.method,
        kind,
        name,
        pathname: req.pathname,
        search: req.search,
        headers: req.headers,
        readBody: () => req.readBody(deps.bodyLimit),
        identity: asServiceRole(admin),
      })
      const action = kind === 'rpc' ? (req.method === 'POST' ? 'data.rpc' : undefined) : WRITES[req.method]
      if (action && out.status < 400) {
        await deps.withOwner('admin: audit a data change', ({ client }) =>
          recordAudit(client, admin, { action, target: name, details: { query: decodeURIComponent(req.search.slice(1)).slice(0, 2000) } }),
        )
      }
      return out
    },
  })
  // Not listed in the route table's direct routes: these go through Hono, so requireAdmin runs first.
  registerDirect(router, route('rpc', '/rest/rpc/:name'))
  registerDirect(router, route('table', '/rest/:name'))
}
