/**
 * Who is calling: the Identity every stage after admission carries (role and verified claims, and
 * how they were proved). The pipeline resolves it through an IdentityResolver that auth builds
 * (API keys, JWTs); modules only read it, so none of them imports auth for the type.
 */
import type { RequestRole } from '../db/index.js'
import { ApiError } from '../errors/index.js'

export interface Identity extends RequestRole {
  /** How the caller proved who they are. */
  via: 'anon-key' | 'service-key' | 'jwt'
}

export interface Credentials {
  /** The `apikey` header, or the `apikey` query parameter. */
  apikey: string | undefined
  authorization: string | undefined
  /**
   * `X-Floe-Role: service_role`: an admin user's token asks to act as the service role (the
   * dashboard's storage browser and jobs monitor), so the service key never reaches a browser.
   */
  asRole?: string | undefined
}

/** Credentials → Identity; every refusal is a 401 ApiError saying what was wrong. */
export type IdentityResolver = (credentials: Credentials) => Promise<Identity>

/** The caller of a route that is not public (the pipeline resolved it before the route ran). */
export function requireIdentity(c: { var: { identity?: Identity | undefined } }): Identity {
  if (!c.var.identity) throw new ApiError('UNAUTHENTICATED')
  return c.var.identity
}
