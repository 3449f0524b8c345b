/**
 * Users for admins: list, search, create, ban and unban, delete, sessions and their revocation,
 * and the development email outbox. Accounts stay better-auth's (schema `auth`): creation goes
 * through its admin plugin, the other changes do in SQL what that plugin does (queries.ts says
 * why), each with its audit entry. The first admin is `../setup/`.
 */
import type { Router } from '../../http/index.js'
import { registerBanUser } from './routes/ban-user.js'
import { registerCreateUser } from './routes/create-user.js'
import { registerDeleteUser } from './routes/delete-user.js'
import { registerGetUser } from './routes/get-user.js'
import { registerListOutbox } from './routes/list-outbox.js'
import { registerListUserSessions } from './routes/list-user-sessions.js'
import { registerListUsers } from './routes/list-users.js'
import { registerRevokeUserSession } from './routes/revoke-user-session.js'
import { registerRevokeUserSessions } from './routes/revoke-user-sessions.js'
import { registerUnbanUser } from './routes/unban-user.js'
import { registerUpdateUser } from './routes/update-user.js'
import { createUsersService, type UsersDeps } from './service.js'

export { IS_ADMIN_SQL } from './queries.js'
export { PASSWORD, EMAIL, NAME } from './schemas.js'
export { createUserError, type UsersDeps } from './service.js'

export function registerUserRoutes(router: Router, deps: UsersDeps): void {
  const users = createUsersService(deps)
  registerListUsers(router, users)
  registerCreateUser(router, users)
  registerGetUser(router, users)
  registerUpdateUser(router, users)
  registerBanUser(router, users)
  registerUnbanUser(router, users)
  registerDeleteUser(router, users)
  registerListUserSessions(router, users)
  registerRevokeUserSessions(router, users)
  registerRevokeUserSession(router, users)
  registerListOutbox(router, users)
}
