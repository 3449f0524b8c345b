/**
 * The enqueue route's fast path in the Node server: `POST /jobs/v1/<queue>` is served straight
 * from the IncomingMessage, in front of Hono, the way the data API's is (rest/node-handler.ts).
 * The Hono middleware chain's work for this route is done by serveFast (http/fast-path.ts, shared
 * with the data API's fast path), which then runs the same `enqueueFromRequest` as the Hono
 * route (routes/enqueue-job.ts).
 *
 * Why: a no-op enqueue is one Redis script call; the Hono chain and its Node adapter (a context,
 * a closure per middleware layer, Headers objects, a fetch Response written back) cost several
 * times that in CPU (bench/README.md, "Jobs"). Every other jobs route, and `admin`, go to Hono.
 */
import type { FastPathOptions, FrontHandler } from '../http/index.js'
import { headerOf, readIncomingText, serveFast, withoutTrailingSlash } from '../http/index.js'
import { enqueueFromRequest } from './routes/enqueue-job.js'
import type { Jobs } from './runtime.js'

export interface NodeJobsOptions extends FastPathOptions {
  jobs: Jobs
}

/** `/jobs/v1/<queue>`, one trailing slash allowed (the Hono app is not strict). */
const ROUTE = /^\/jobs\/v1\/([^/]+)\/?$/

export function createNodeJobsHandler(o: NodeJobsOptions): FrontHandler {
  const maxBodyBytes = o.jobs.service.maxBodyBytes
  return (req, res) => {
    const url = req.url
    if (req.method !== 'POST' || url === undefined || !url.startsWith('/jobs/v1/')) return false
    const q = url.indexOf('?')
    const pathname = q < 0 ? url : url.slice(0, q)
    const m = ROUTE.exec(pathname)
    const queue = m?.[1]
    // `admin` is the admin routes' segment: Hono answers it (its service-key check comes first).
    // A percent-escaped path goes to Hono too: no queue name needs one (a-z 0-9 _ -), and Hono's
    // decoding of path and param (malformed escapes, %25) is then the only one there is.
    if (queue === undefined || queue === 'admin' || pathname.includes('%')) return false
    serveFast(o, req, res, {
      method: 'POST',
      search: q < 0 ? '' : url.slice(q),
      logPath: withoutTrailingSlash(pathname),
      label: 'jobs enqueue response not written',
      run: async (identity) => {
        const job = await enqueueFromRequest(o.jobs, {
          queue,
          contentType: headerOf(req, 'content-type'),
          readBody: () => readIncomingText(req, maxBodyBytes),
          identity: () => identity,
        })
        return { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) }
      },
    })
    return true
  }
}
