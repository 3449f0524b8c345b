import type { Router } from '../http/index.js'
import type { Identity } from '../auth/index.js'
import { ApiError } from '../errors/index.js'
import type { StorageService } from './service.js'

export type StorageRouter = Router
export interface StorageRouteDeps {
  service: StorageService
  publicUrl: string
}

/** The identity middleware ran for every non-public storage path; absent means a public one. */
export function identityOf(c: { var: { identity?: Identity } }): Identity {
  if (!c.var.identity) throw new ApiError('UNAUTHENTICATED')
  return c.var.identity
}
