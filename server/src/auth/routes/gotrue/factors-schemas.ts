import { z } from '@hono/zod-openapi'
import { UUID } from '../../../uuid.js'

export const Uuid = z.string().regex(UUID, 'must be a UUID')

/** A factor id in the path (malformed: 400 validation_failed, where GoTrue says 404). */
export const FactorParams = z.object({ factorId: Uuid })

/** A user id in the path of the admin API. */
export const UserParams = z.object({ userId: Uuid })
