import type { Identity } from './identity.js'
import type { Logger } from '../log.js'

/** What every request carries through the middleware chain. */
export interface AppEnv {
  Variables: {
    requestId: string
    log: Logger
    identity?: Identity
  }
}
