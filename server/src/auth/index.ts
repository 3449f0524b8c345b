/**
 * Auth: who the caller is. API keys (generation, storage, verification, rotation), JWT
 * verification and signing, and the identity middleware that turns request headers into an
 * Identity. It does not decide what the caller may see: RLS does, through db.withRequestRole.
 */
export { identityMiddleware, type Identity, type IdentityOptions } from './identity.js'
export { createApiKeyVerifier, listKeys, rotateKey, type ApiKeyVerifier, type KeyKind } from './api-keys.js'
export { ensureInstanceSecrets, type InstanceSecrets } from './instance-secrets.js'
export { jwtKeysFrom, signJwt, verifyJwt, type JwtKeys } from './jwt.js'
