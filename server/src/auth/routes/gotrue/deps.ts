import type { Router } from '../../../http/index.js'
import type { EmailFlows } from '../../gotrue/email-flows.js'
import type { GoTrue } from '../../gotrue/gotrue-service.js'
import type { AuthService } from '../../auth-service.js'

export type GoTrueRouter = Router

export interface GoTrueRouteDeps {
  gotrue: GoTrue
  flows: EmailFlows
  auth: AuthService
  trustProxy: boolean
}
