/** The admin users API's answers (server/src/admin/users/schemas.ts). */
export interface AdminUser {
  id: string
  email: string
  name: string
  role: string
  email_verified: boolean
  banned: boolean
  ban_reason: string | null
  ban_expires: string | null
  created_at: string
  last_sign_in_at: string | null
}

export interface UserList {
  users: AdminUser[]
  total: number
}

export interface AdminSession {
  id: string
  created_at: string
  updated_at: string
  expires_at: string
  ip_address: string | null
  user_agent: string | null
}

export interface OutboxEmail {
  id: number
  kind: string
  to: string
  subject: string
  text_body: string
  html_body: string
  created_at: string
}

export interface OutboxList {
  emails: OutboxEmail[]
  total: number
}

/** better-auth stores several roles comma-separated. */
export const isAdminRole = (role: string) => role.split(',').map((r) => r.trim()).includes('admin')
