/**
 * The table editor's door to the rows: `/admin/v1/rest/<table>` and `/admin/v1/rest/rpc/<fn>`
 * speak the data API's grammar (PostgREST's, so the dashboard uses postgrest-js on it) as
 * `service_role`: an admin browses and edits every row, as Supabase's table editor does, whatever
 * the rules say to users. requireAdmin has let the caller in before these routes run; the admin's
 * own claims (`sub`, `email`) stay in `request.jwt.claims`, so `auth.uid()` defaults name them.
 * Writes are recorded in the audit log (table, verb, filters), after the data API committed.
 */
import { ApiError } from '../../errors/index.js'
import { z } from '@hono/zod-openapi'
import { errorResponses, registerDirect, requireIdentity, type DirectRoute, type Identity, type Router } from '../../http/index.js'
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
        readBytes: () => req.readBytes(deps.bodyLimit),
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
  documentDataRoutes(router)
}

/** Direct routes have no zod-openapi definition: their entries in /openapi.json, one per verb. */
function documentDataRoutes(router: Router): void {
  const Name = (name: string) => z.object({ name: z.string().openapi({ param: { name: 'name', in: 'path' }, description: `The ${name}, as in /rest/v1` }) })
  for (const method of METHODS) {
    const verb = method.toLowerCase() as 'get' | 'head' | 'post' | 'patch' | 'delete'
    for (const kind of ['table', 'rpc'] as const) {
      router.openAPIRegistry.registerPath({
        method: verb,
        path: kind === 'table' ? '/rest/{name}' : '/rest/rpc/{name}',
        operationId: `admin.${verb}${kind === 'table' ? 'Rows' : 'Rpc'}`,
        summary: kind === 'table'
          ? `${{ get: 'Read', head: 'Count', post: 'Insert', patch: 'Update', delete: 'Delete' }[verb]} rows of any table as service_role (the table editor; writes are audited)`
          : `Call a function as service_role (${verb.toUpperCase()}, as /rest/v1/rpc)`,
        description: "The data API's grammar (PostgREST's), as service_role: every row, whatever the rules say to users.",
        tags: ['Admin'],
        request: { params: Name(kind === 'table' ? 'table' : 'function') },
        responses: { 200: { description: 'As the data API answers' }, 201: { description: 'Created' }, 204: { description: 'Done' }, ...errorResponses(400, 401, 403, 404) },
      })
    }
  }
}
