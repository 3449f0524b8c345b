import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * GoTrue's error codes (supabase/auth internal/api/errorcodes.go), answered on the routes Floe
 * serves for `@supabase/auth-js` (`/auth/v1/signup`, `/token`, `/user`, ...), with the statuses
 * GoTrue gives them. auth-js branches on these codes (a `session_not_found` signs the client out,
 * a `weak_password` carries its reasons), so they are sent as GoTrue spells them: lower case.
 */
export const GOTRUE_CODES = {
  validation_failed: { status: 400, message: 'The request is invalid' },
  bad_json: { status: 400, message: 'Could not parse request body as JSON' },
  email_address_invalid: { status: 400, message: 'Email address is invalid' },
  invalid_credentials: { status: 400, message: 'Invalid login credentials' },
  email_not_confirmed: { status: 400, message: 'Email not confirmed' },
  user_banned: { status: 400, message: 'User is banned' },
  refresh_token_not_found: { status: 400, message: 'Invalid Refresh Token: Refresh Token Not Found' },
  refresh_token_already_used: { status: 400, message: 'Invalid Refresh Token: Already Used' },
  flow_state_not_found: { status: 404, message: 'invalid flow state, no valid flow state found' },
  flow_state_expired: { status: 400, message: 'invalid flow state, flow state has expired' },
  bad_code_verifier: { status: 400, message: 'code challenge does not match previously saved code verifier' },
  bad_oauth_state: { status: 400, message: 'OAuth state is invalid' },
  provider_disabled: { status: 400, message: 'Unsupported provider: provider is not enabled' },
  no_authorization: { status: 401, message: 'This endpoint requires a valid Bearer token' },
  bad_jwt: { status: 403, message: 'invalid JWT: unable to parse or verify signature' },
  session_not_found: { status: 403, message: 'Session from session_id claim in JWT does not exist' },
  not_admin: { status: 403, message: 'User not allowed' },
  otp_expired: { status: 403, message: 'Token has expired or is invalid' },
  insufficient_aal: { status: 403, message: 'AAL2 session is required to update email or password when MFA is enabled' },
  user_not_found: { status: 404, message: 'User not found' },
  not_found: { status: 404, message: 'Not found' },
  mfa_factor_not_found: { status: 404, message: 'Factor not found' },
  request_too_large: { status: 413, message: 'Request body too large' },
  user_already_exists: { status: 422, message: 'User already registered' },
  email_exists: { status: 422, message: 'A user with this email address has already been registered' },
  weak_password: { status: 422, message: 'Password should be at least 8 characters' },
  same_password: { status: 422, message: 'New password should be different from the old password' },
  signup_disabled: { status: 422, message: 'Signups not allowed for this instance' },
  otp_disabled: { status: 422, message: 'Signups not allowed for otp' },
  anonymous_provider_disabled: { status: 422, message: 'Anonymous sign-ins are disabled' },
  email_provider_disabled: { status: 422, message: 'Email logins are disabled' },
  identity_already_exists: { status: 422, message: 'Identity is already linked to another user' },
  mfa_verification_failed: { status: 422, message: 'Invalid TOTP code entered' },
  mfa_challenge_expired: { status: 422, message: 'MFA challenge has expired, verify against another challenge or create a new factor' },
  mfa_factor_name_conflict: { status: 422, message: 'A factor with the friendly name already exists' },
  too_many_enrolled_mfa_factors: { status: 422, message: 'Maximum number of verified factors reached, unenroll to continue' },
  mfa_ip_address_mismatch: { status: 422, message: 'Challenge and verify IP addresses mismatch.' },
  mfa_phone_enroll_not_enabled: { status: 422, message: 'MFA enroll is disabled for Phone' },
  mfa_webauthn_enroll_not_enabled: { status: 422, message: 'MFA enroll is disabled for WebAuthn' },
  over_request_rate_limit: { status: 429, message: 'Request rate limit reached' },
  over_email_send_rate_limit: { status: 429, message: 'Email rate limit exceeded' },
  unexpected_failure: { status: 500, message: 'Unexpected failure' },
  request_timeout: { status: 504, message: 'Processing this request timed out, please retry after a moment' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>

export type GoTrueCode = keyof typeof GOTRUE_CODES

export const isGoTrueCode = (code: string): code is GoTrueCode => Object.hasOwn(GOTRUE_CODES, code)

/** The API version GoTrue stamps on its answers; from it on, auth-js reads the error code from `code`. */
export const GOTRUE_API_VERSION = '2024-01-01'

/** Floe's own codes (raised by the pipeline or a shared router) → GoTrue's. */
export const FROM_PLATFORM: Record<string, GoTrueCode> = {
  INVALID_INPUT: 'validation_failed',
  INVALID_JSON: 'bad_json',
  UNAUTHENTICATED: 'no_authorization',
  API_KEY_MISSING: 'no_authorization',
  API_KEY_INVALID: 'no_authorization',
  JWT_INVALID: 'bad_jwt',
  JWT_EXPIRED: 'bad_jwt',
  JWT_ROLE_NOT_ALLOWED: 'bad_jwt',
  FORBIDDEN: 'not_admin',
  NOT_FOUND: 'not_found',
  PAYLOAD_TOO_LARGE: 'request_too_large',
  RATE_LIMITED: 'over_request_rate_limit',
  TIMEOUT: 'request_timeout',
  INTERNAL: 'unexpected_failure',
  AUTH_REFRESH_TOKEN_INVALID: 'refresh_token_not_found',
  // better-auth's codes, for an answer that came through it
  INVALID_EMAIL_OR_PASSWORD: 'invalid_credentials',
  INVALID_PASSWORD: 'invalid_credentials',
  EMAIL_NOT_VERIFIED: 'email_not_confirmed',
  USER_ALREADY_EXISTS: 'user_already_exists',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'user_already_exists',
  PASSWORD_TOO_SHORT: 'weak_password',
  PASSWORD_TOO_LONG: 'validation_failed',
  INVALID_EMAIL: 'email_address_invalid',
  BANNED_USER: 'user_banned',
  USER_NOT_FOUND: 'user_not_found',
  INVALID_TOKEN: 'otp_expired',
}
