/**
 * Bodies of GoTrue's admin API as auth-js `auth.admin.*` sends them (unknown fields ignored, as
 * GoTrue ignores them; the nulls auth-js may send read as absent).
 */
import { z } from '@hono/zod-openapi'
import { Email, GoTrueUserSchema, Metadata, Password } from './schemas.js'

export const AdminUserBody = z
  .object({
    email: Email.nullish(),
    phone: z.string().max(32).nullish(),
    password: Password.nullish(),
    password_hash: z.string().max(1024).nullish(),
    email_confirm: z.boolean().nullish(),
    phone_confirm: z.boolean().nullish(),
    user_metadata: Metadata.nullish(),
    app_metadata: Metadata.nullish(),
    ban_duration: z.string().max(64).nullish(),
    role: z.string().max(64).nullish(),
  })
  .openapi('GoTrueAdminUserBody')

export type AdminUserBody = z.infer<typeof AdminUserBody>

/** The body as the service takes it: nulls dropped. */
export function adminUserInput(b: AdminUserBody) {
  return {
    email: b.email ?? undefined,
    phone: b.phone ?? undefined,
    password: b.password ?? undefined,
    passwordHash: b.password_hash ?? undefined,
    email_confirm: b.email_confirm ?? undefined,
    user_metadata: b.user_metadata ?? undefined,
    app_metadata: b.app_metadata ?? undefined,
    ban_duration: b.ban_duration ?? undefined,
    role: b.role ?? undefined,
  }
}

export const GoTrueFactorSchema = z
  .object({ id: z.string(), friendly_name: z.string().optional(), factor_type: z.string(), status: z.string(), created_at: z.string(), updated_at: z.string() })
  .openapi('GoTrueFactor')

export { GoTrueUserSchema }
