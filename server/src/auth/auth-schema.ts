/**
 * Where better-auth's models live in Postgres: schema `auth`, plural snake_case tables with
 * snake_case columns, so SQL written by app developers reads like the rest of their database
 * (`auth.users.created_at`, not `auth."user"."createdAt"`) and app tables reference
 * `auth.users(id)` directly. Migration 0004 creates exactly these names; if a plugin is added,
 * its fields must be mapped here and its columns added by a new migration.
 */

export const AUTH_SCHEMA = 'auth'

/** camelCase field → snake_case column, for every field listed. */
function snake(...fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, f.replace(/[A-Z]/g, (ch) => '_' + ch.toLowerCase())]))
}

const timestamps = ['createdAt', 'updatedAt'] as const

/** Core models (better-auth's `user`, `session`, `account`, `verification` options). */
export const CORE_MODELS = {
  user: { modelName: 'users', fields: snake('emailVerified', ...timestamps) },
  session: { modelName: 'sessions', fields: snake('expiresAt', 'ipAddress', 'userAgent', 'userId', ...timestamps) },
  account: {
    modelName: 'accounts',
    fields: snake(
      'accountId', 'providerId', 'userId', 'accessToken', 'refreshToken', 'idToken',
      'accessTokenExpiresAt', 'refreshTokenExpiresAt', ...timestamps,
    ),
  },
  verification: { modelName: 'verifications', fields: snake('expiresAt', ...timestamps) },
}

/** Plugin fields, passed as each plugin's `schema` option. */
export const PLUGIN_MODELS = {
  admin: {
    user: { fields: snake('banReason', 'banExpires') },
    session: { fields: snake('impersonatedBy') },
  },
  anonymous: { user: { fields: snake('isAnonymous') } },
  twoFactor: {
    user: { fields: snake('twoFactorEnabled') },
    twoFactor: { modelName: 'two_factors', fields: snake('backupCodes', 'userId', 'failedVerificationCount', 'lockedUntil') },
  },
}
