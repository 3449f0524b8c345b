import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { ApiError } from '../errors/index.js'

export interface JwtKeys {
  /** HS256 secrets accepted for verification; the first one signs. */
  secrets: Uint8Array[]
}

export function jwtKeysFrom(secret: string): JwtKeys {
  return { secrets: [new TextEncoder().encode(secret)] }
}

function bearerError(code: 'JWT_INVALID' | 'JWT_EXPIRED', details: string): ApiError {
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
  for (const secret of keys.secrets) {
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
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresIn).sign(signing)
}
