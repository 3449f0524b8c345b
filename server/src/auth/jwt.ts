import { createHash } from 'node:crypto'
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { ApiError } from '../errors/index.js'

export interface JwtKeys {
  /** HS256 secrets accepted for verification; the first one signs. */
  secrets: Uint8Array[]
  /** Key id of each secret (same order), put in the `kid` header of tokens it signs. */
  kids?: string[]
}

/**
 * A key id derived from the secret (a truncated SHA-256 of it), so every replica names a secret
 * the same way without storing ids, and a token names the secret to verify it with. 12 bytes of
 * a hash of a 32+ character secret say nothing usable about the secret.
 */
export function jwtKeyId(secret: string): string {
  return createHash('sha256').update('floe jwt kid v1\0' + secret, 'utf8').digest().subarray(0, 12).toString('base64url')
}

/**
 * The signing secret first, then former secrets still accepted: rotating `FLOE_JWT_SECRET` while
 * listing the old one in `FLOE_JWT_PREVIOUS_SECRETS` keeps issued tokens valid until they expire.
 */
export function jwtKeysFrom(secret: string, previous: readonly string[] = []): JwtKeys {
  const all = [secret, ...previous.filter((s) => s !== secret)]
  return { secrets: all.map((s) => new TextEncoder().encode(s)), kids: all.map(jwtKeyId) }
}

/** The secrets to try for a token: the one its `kid` names, else all (tokens minted without kid). */
function candidateSecrets(token: string, keys: JwtKeys): Uint8Array[] {
  let kid: unknown
  try {
    kid = decodeProtectedHeader(token).kid
  } catch {
    return keys.secrets
  }
  if (typeof kid !== 'string' || !keys.kids) return keys.secrets
  const i = keys.kids.indexOf(kid)
  return i >= 0 && keys.secrets[i] ? [keys.secrets[i]] : keys.secrets
}

export function bearerError(code: 'JWT_INVALID' | 'JWT_EXPIRED', details: string): ApiError {
  // RFC 6750: a 401 for a bad bearer token names the problem in WWW-Authenticate.
  const description = details.replace(/["\\]/g, '')
  return new ApiError(code, {
    details,
    hint: code === 'JWT_EXPIRED' ? 'Refresh the session to get a new access token' : null,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` },
  })
}

/** Verifies an HS256 JWT against the instance's secrets; throws a 401 ApiError saying why. */
export async function verifyJwt(token: string, keys: JwtKeys): Promise<JWTPayload> {
  let lastError: unknown
  for (const secret of candidateSecrets(token, keys)) {
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], clockTolerance: 5 })
      return payload
    } catch (err) {
      lastError = err
      if (err instanceof errors.JWTExpired) throw bearerError('JWT_EXPIRED', 'The token expired at ' + new Date(Number(err.payload.exp) * 1000).toISOString())
      if (err instanceof errors.JWSSignatureVerificationFailed) continue
      break
    }
  }
  if (lastError instanceof errors.JWSSignatureVerificationFailed) throw bearerError('JWT_INVALID', 'The token signature does not match')
  if (lastError instanceof errors.JWTClaimValidationFailed) throw bearerError('JWT_INVALID', `Claim "${lastError.claim}" is invalid: ${lastError.reason}`)
  if (lastError instanceof errors.JOSEAlgNotAllowed) throw bearerError('JWT_INVALID', 'Only HS256 tokens are accepted')
  throw bearerError('JWT_INVALID', 'The token is malformed')
}

/** Signs an HS256 access token (used by tests and, later, by the auth module). */
export async function signJwt(claims: JWTPayload, keys: JwtKeys, expiresIn: string | number = '1h'): Promise<string> {
  const signing = keys.secrets[0]
  if (!signing) throw new Error('no JWT signing secret')
  const kid = keys.kids?.[0]
  return new SignJWT(claims)
    .setProtectedHeader(kid ? { alg: 'HS256', typ: 'JWT', kid } : { alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(signing)
}
