/**
 * Auth: who the caller is, and the accounts behind it. API keys (generation, storage,
 * verification, rotation), JWT verification and signing with key ids, the identity middleware
 * that turns request headers into an Identity, and `/auth/v1`: better-auth (accounts, sessions,
 * email flows, admin, magic link, TOTP, anonymous, OAuth) with its tables in schema `auth`, and
 * GoTrue's routes and shapes on the same accounts and sessions (gotrue/, for `@supabase/auth-js`:
 * sign-up, token grants, user, emailed codes, OAuth, MFA, admin), the access tokens minted from
 * those sessions, the auth mailer and the abuse limits. It does not decide
 * what the caller may see: RLS does, through db.withRequestRole.
 */
export { createIdentityResolver, identityMiddleware, type IdentityOptions } from './identity.js'
export { createApiKeyVerifier, listKeys, rotateKey, RELOAD_KEYS_PAYLOAD, type ApiKeyVerifier, type KeyKind } from './api-keys.js'
export { ensureInstanceSecrets, type InstanceSecrets } from './instance-secrets.js'
export { isLiveAdminSession } from './admin-session.js'
export { jwtKeyId, jwtKeysFrom, signJwt, verifyJwt, type JwtKeys } from './jwt.js'
export { createAuthService, type AuthService, type AuthServiceDeps } from './auth-service.js'
export { authRouter, type AuthRouterDeps } from './router.js'
export { AUTH_BASE_PATH } from './better-auth.js'
export { createMailer, createOutboxMailer, createSmtpMailer, type Mailer, type OutgoingEmail } from './mailer.js'
export type { AuthEmailKind } from './email-templates.js'
