/** The users API's inputs and answers. Passwords and session tokens appear in no answer. */
import { z } from '@hono/zod-openapi'
import { UUID } from '../../uuid.js'

/** Sign-up's password policy (better-auth's defaults: 8 to 128 characters). */
export const PASSWORD = z.string().min(8, 'at least 8 characters').max(128, 'at most 128 characters')
export const EMAIL = z.string().trim().toLowerCase().pipe(z.email().max(254))
export const NAME = z.string().trim().max(200)
export const ROLE = z.enum(['user', 'admin'])

export const AdminUser = z
  .object({
    id: z.string().openapi({ example: '3f0c6c52-8f1a-4b8e-9a55-2d1b7f0b9c11' }),
    email: z.string().openapi({ example: 'ada@example.com' }),
    name: z.string(),
    role: z.string().openapi({ example: 'user', description: "better-auth's role: 'user' or 'admin' (comma-separated when several)" }),
    email_verified: z.boolean(),
    banned: z.boolean().openapi({ description: 'A ban in force now (an expired ban reads false)' }),
    ban_reason: z.string().nullable(),
    ban_expires: z.string().nullable(),
    created_at: z.string(),
    last_sign_in_at: z.string().nullable(),
  })
  .openapi('AdminUser')
export type AdminUser = z.infer<typeof AdminUser>

export const UserList = z.object({ users: z.array(AdminUser), total: z.number().int() }).openapi('AdminUserList')

export const ListUsersQuery = z.object({
  search: z.string().max(200).optional().openapi({ description: 'Substring of the email or the name (case-insensitive)' }),
  banned: z.enum(['true', 'false']).transform((v) => v === 'true').optional().openapi({ description: 'Only banned (true) or only not banned (false) users' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})
export type ListUsersQuery = z.infer<typeof ListUsersQuery>

export const CreateUserBody = z
  .object({
    email: EMAIL.openapi({ example: 'ada@example.com' }),
    password: PASSWORD,
    name: NAME.optional(),
    role: ROLE.default('user'),
    email_verified: z.boolean().default(false),
  })
  .strict()
  .openapi('AdminCreateUserBody')
export type CreateUserBody = z.infer<typeof CreateUserBody>

export const UpdateUserBody = z
  .object({ role: ROLE.optional(), name: NAME.optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.name !== undefined, 'expected role or name')
  .openapi('AdminUpdateUserBody')
export type UpdateUserBody = z.infer<typeof UpdateUserBody>

export const BanUserBody = z
  .object({
    reason: z.string().trim().min(1).max(500).optional(),
    expires_in_s: z.number().int().min(1).max(100 * 365 * 86_400).optional().openapi({ description: 'Seconds until the ban ends; none: until unbanned' }),
  })
  .strict()
  .openapi('AdminBanUserBody')
export type BanUserBody = z.infer<typeof BanUserBody>

const UUID_TEXT = z.string().regex(UUID, 'expected a UUID')
export const UserParams = z.object({ id: UUID_TEXT.openapi({ param: { name: 'id', in: 'path' } }) })
export const SessionParams = UserParams.extend({ session_id: UUID_TEXT.openapi({ param: { name: 'session_id', in: 'path' } }) })

export const AdminSession = z
  .object({
    id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    expires_at: z.string(),
    ip_address: z.string().nullable(),
    user_agent: z.string().nullable(),
  })
  .openapi('AdminSession')
export type AdminSession = z.infer<typeof AdminSession>

export const OutboxEmail = z
  .object({
    id: z.number().int(),
    kind: z.string().openapi({ example: 'verify-email' }),
    to: z.string(),
    subject: z.string(),
    text_body: z.string(),
    html_body: z.string(),
    created_at: z.string(),
  })
  .openapi('OutboxEmail')
export type OutboxEmail = z.infer<typeof OutboxEmail>

export const OutboxList = z.object({ emails: z.array(OutboxEmail), total: z.number().int() }).openapi('OutboxList')

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})
