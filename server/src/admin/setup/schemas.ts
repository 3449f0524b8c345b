import { z } from '@hono/zod-openapi'
import { EMAIL, NAME, PASSWORD } from '../users/index.js'

export const SetupStatus = z.object({ needs_setup: z.boolean() }).openapi('AdminSetupStatus')

export const SetupBody = z
  .object({
    // Optional here so that a missing token is a 401 like any missing credential, not a 400.
    token: z.string().max(200).optional().openapi({ description: 'The token of the setup link printed in the server log' }),
    email: EMAIL.openapi({ example: 'admin@example.com' }),
    password: PASSWORD,
    name: NAME.optional(),
  })
  .strict()
  .openapi('AdminSetupBody')

/** Sign-in's answer (GoTrue's token response with the user), so the dashboard is signed in. */
export const SetupSession = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
    expires_at: z.number().int(),
    refresh_token: z.string(),
    user: z.object({ id: z.string(), email: z.string().optional() }).passthrough(),
  })
  .openapi('AdminSetupSession')
