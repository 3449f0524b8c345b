import { createRoute, z } from '@hono/zod-openapi'
import { ApiError } from '../../../errors/index.js'
import { errorResponses } from '../../../http/index.js'
import type { GoTrueRouteDeps, GoTrueRouter } from './deps.js'
import { GoTrueUserSchema } from './schemas.js'

/** auth-js always sends both, empty when the caller gave none. */
const PageNumber = z.string().regex(/^\d{0,9}$/, 'must be a whole number').optional()
const ListQuery = z.object({ page: PageNumber, per_page: PageNumber, filter: z.string().max(256).optional() })

const UserList = z.object({ users: z.array(GoTrueUserSchema), aud: z.string() }).openapi('GoTrueUserList')

/**
 * GoTrue's `GET /admin/users?page&per_page` (auth-js `admin.listUsers`): newest first, with the
 * total in X-Total-Count and the next and last pages in Link. auth-js reads the page number as
 * the first character after `page=`, so `page` comes first in each link (GoTrue sorts its query).
 */
export const listUsersRoute = createRoute({
  method: 'get',
  path: '/admin/users',
  operationId: 'auth.adminListUsers',
  summary: 'List users, paged (GoTrue admin, service key)',
  request: { query: ListQuery },
  responses: {
    200: { description: 'One page of users', content: { 'application/json': { schema: UserList } } },
    ...errorResponses(400, 401, 403),
  },
})

export function registerListUsers(router: GoTrueRouter, d: GoTrueRouteDeps) {
  router.openapi(listUsersRoute, async (c) => {
    const q = c.req.valid('query')
    const page = q.page ? Number(q.page) : 1
    const perPage = q.per_page ? Number(q.per_page) : 50
    if (page < 1 || perPage < 1 || perPage > 1000) throw new ApiError('validation_failed', { message: 'Bad Pagination Parameters: page from 1, per_page from 1 to 1000' })
    const { total, ...body } = await d.auth.admin.users.listUsers(page, perPage, q.filter || undefined)
    const lastPage = Math.ceil(total / perPage)
    const link = (n: number) => `</auth/v1/admin/users?page=${n}&per_page=${perPage}${q.filter ? `&filter=${encodeURIComponent(q.filter)}` : ''}>`
    c.header('Link', [...(lastPage > page ? [`${link(page + 1)}; rel="next"`] : []), `${link(lastPage)}; rel="last"`].join(', '))
    c.header('X-Total-Count', String(total))
    return c.json(body, 200)
  })
}
