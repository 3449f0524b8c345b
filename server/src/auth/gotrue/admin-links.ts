/**
 * GoTrue's admin links: `/admin/generate_link` hands the service role the link, code and token
 * hash an auth email would carry (for an app that sends its own mail), creating the user where
 * GoTrue does; `/invite` creates the user and emails the invitation. Both go through the same
 * one-time codes as the emails, so `/verify` takes them the same way.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { ApiError } from '../../errors/index.js'
import { assertEmail, assertMetadataSize, mergeMetadata } from './accounts.js'
import type { GoTrue } from './gotrue-service.js'
import type { CodePayload } from './one-time-codes.js'
import { findUserRow, toGoTrueUser, type GoTrueUser, type UserRow } from './user-json.js'

export const LINK_TYPES = ['signup', 'invite', 'magiclink', 'recovery', 'email_change_current', 'email_change_new'] as const
export type LinkType = (typeof LINK_TYPES)[number]

export interface GenerateLinkInput {
  type: LinkType
  email: string
  password?: string | undefined
  data?: Record<string, unknown> | undefined
  newEmail?: string | undefined
  redirectTo?: string | undefined
}

export type GeneratedLink = GoTrueUser & {
  action_link: string
  email_otp: string
  hashed_token: string
  verification_type: string
  redirect_to: string
}

type SentColumn = 'confirmation_sent_at' | 'recovery_sent_at' | 'email_change_sent_at'

export function createAdminLinks(g: GoTrue, publicUrl: string) {
  const db = g.db
  const verifyUrl = new URL('/auth/v1/verify', publicUrl)

  const stamp = (userId: string, column: SentColumn) => sql`update auth.users set ${sql.ref(column)} = now() where id = ${userId}::uuid`.execute(db)

  /** A user made by an admin link: unconfirmed, with a password only if one is given. */
  async function createUser(email: string, password: string | undefined, data: Record<string, unknown> | undefined): Promise<string> {
    const id = await g.accounts.create({ email, password, confirmed: false, userMetadata: data ?? {} })
    if (id === undefined) throw new ApiError('email_exists')
    return id
  }

  /** The code's payload and the column its sending stamps, creating or checking the user as GoTrue does. */
  async function prepare(input: GenerateLinkInput, email: string, found: UserRow | undefined, redirectTo: string): Promise<{ payload: CodePayload; column: SentColumn }> {
    const base = { email, redirectTo }
    switch (input.type) {
      case 'signup': {
        if (found?.email_verified) throw new ApiError('email_exists')
        if (found) {
          if (input.data) {
            const next = mergeMetadata(found.user_metadata, input.data)
            assertMetadataSize(next, 'user_metadata')
            await sql`update auth.users set user_metadata = ${JSON.stringify(next)}::jsonb, updated_at = now() where id = ${found.id}::uuid`.execute(db)
          }
          return { payload: { ...base, class: 'email', type: 'signup', userId: found.id }, column: 'confirmation_sent_at' }
        }
        if (!input.password) throw new ApiError('validation_failed', { message: 'Signup requires a valid password' })
        await g.accounts.assertPassword(input.password)
        return { payload: { ...base, class: 'email', type: 'signup', userId: await createUser(email, input.password, input.data) }, column: 'confirmation_sent_at' }
      }
      case 'invite': {
        if (found?.email_verified) throw new ApiError('email_exists')
        const userId = found?.id ?? (await createUser(email, undefined, input.data))
        return { payload: { ...base, class: 'invite', type: 'invite', userId }, column: 'confirmation_sent_at' }
      }
      case 'magiclink':
        return { payload: { ...base, class: 'email', type: 'magiclink', userId: found!.id }, column: 'recovery_sent_at' }
      case 'recovery':
        return { payload: { ...base, class: 'recovery', type: 'recovery', userId: found!.id }, column: 'recovery_sent_at' }
      case 'email_change_current':
        // Floe's email change is confirmed by the new address alone (GoTrue without secure email change).
        throw new ApiError('validation_failed', { message: 'Enable secure email change to generate link for current email', hint: "Use type 'email_change_new'" })
      case 'email_change_new': {
        const newEmail = assertEmail(input.newEmail ?? '')
        const taken = await findUserRow(db, { email: newEmail })
        if (taken && taken.id !== found!.id) throw new ApiError('email_exists')
        await sql`update auth.users set new_email = ${newEmail} where id = ${found!.id}::uuid`.execute(db)
        return { payload: { email: newEmail, redirectTo, class: 'email_change', type: 'email_change', userId: found!.id, newEmail }, column: 'email_change_sent_at' }
      }
    }
  }

  return {
    /** POST /admin/generate_link: the link, code and hash, and the user (created for signup, invite, magiclink). */
    async generateLink(input: GenerateLinkInput): Promise<GeneratedLink> {
      const email = assertEmail(input.email)
      const redirectTo = g.redirects.resolve(input.redirectTo)
      const found = await findUserRow(db, { email })
      let request = input
      if (!found) {
        // As GoTrue: a magic link for no one signs them up (with a password no one knows).
        if (input.type === 'magiclink') request = { ...input, type: 'signup', password: randomBytes(48).toString('base64url') }
        else if (input.type !== 'signup' && input.type !== 'invite') throw new ApiError('user_not_found', { message: 'User with this email not found' })
      }
      const { payload, column } = await prepare(request, email, found, redirectTo)
      const { code, tokenHash } = await g.codes.issue(payload)
      await stamp(payload.userId, column)
      const link = new URL(verifyUrl)
      link.searchParams.set('token', tokenHash)
      link.searchParams.set('type', payload.type)
      link.searchParams.set('redirect_to', redirectTo)
      const user = toGoTrueUser(await g.sessions.loadUser(payload.userId))
      return { ...user, action_link: link.toString(), email_otp: code, hashed_token: tokenHash, verification_type: request.type, redirect_to: redirectTo }
    },

    /** POST /invite: creates the user (unless one is waiting to confirm) and emails the invitation. */
    async invite(emailIn: string, data: Record<string, unknown> | undefined, redirectTo: string | undefined): Promise<GoTrueUser> {
      const email = assertEmail(emailIn)
      const found = await findUserRow(db, { email })
      if (found?.email_verified) throw new ApiError('email_exists')
      const userId = found?.id ?? (await createUser(email, undefined, data))
      await g.sendCode(email, { class: 'invite', type: 'invite', userId, email, redirectTo: g.redirects.resolve(redirectTo) })
      await stamp(userId, 'confirmation_sent_at')
      return toGoTrueUser(await g.sessions.loadUser(userId))
    },
  }
}

export type AdminLinks = ReturnType<typeof createAdminLinks>
