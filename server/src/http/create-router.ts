import { OpenAPIHono, z } from '@hono/zod-openapi'
import { invalidInput } from '../errors/index.js'
import type { AppEnv } from './context.js'

/** A module router whose validation failures take the shared error path (400 INVALID_INPUT). */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidInput(result.target, result.error)
    },
  })
}

export type Router = ReturnType<typeof createRouter>

export const ErrorBodySchema = z
  .object({
    code: z.string().openapi({ example: 'INVALID_INPUT' }),
    message: z.string(),
    details: z.string().nullable(),
    hint: z.string().nullable(),
  })
  .openapi('Error')

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing or invalid credentials',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  429: 'Too many requests',
  503: 'Unavailable',
}

/** Declares the shared error body for each listed status. */
export function errorResponses<S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: ErrorBodySchema } } }]),
  ) as Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorBodySchema } } }>
}
