import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { CodeChallenge, metaOf, pkceOf } from './schemas.js'

/** GoTrue's `GET /authorize`: starts an OAuth sign-in (auth-js `signInWithOAuth` opens this URL). */
export const authorizeRoute = createRoute({
  method: 'get',
  path: '/authorize',
  operationId: 'auth.authorize',
  summary: 'Start an OAuth sign-in: redirect to the provider (GoTrue)',
  request: {
    query: z.object({
      provider: z.string().min(1).max(40),
      redirect_to: z.string().max(2048).optional(),
      scopes: z.string().max(1024).optional(),
      ...CodeChallenge,
    }),
  },
  responses: { 302: { description: 'To the provider' }, ...errorResponses(400) },
})

/** GoTrue's `GET /callback`: where the provider round trip ends; redirects to the app with the session. */
export const callbackRoute = createRoute({
  method: 'get',
  path: '/callback',
  operationId: 'auth.oauthCallback',
  summary: "Finish an OAuth sign-in: the provider's redirect back (GoTrue)",
  request: { query: z.object({ state: z.string().min(1).max(128), error: z.string().max(256).optional() }) },
  responses: { 303: { description: 'To redirect_to with the session, or with the error' }, ...errorResponses(400) },
})

export function registerAuthorize(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(authorizeRoute, async (c) => {
    const q = c.req.valid('query')
    const { url, cookies } = await d.auth.oauth.authorize({ provider: q.provider, redirectTo: q.redirect_to, scopes: q.scopes, pkce: pkceOf(q) })
    for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true })
    return c.redirect(url, 302)
  })
  router.openapi(callbackRoute, async (c) => {
    const q = c.req.valid('query')
    const to = await d.auth.oauth.complete({ state: q.state, cookie: c.req.header('cookie'), error: q.error }, metaOf(c, d.trustProxy))
    return c.redirect(to, 303)
  })
}
