/**
 * What each handler accepts, for `floe gen types`: the JSON Schema of its zod `payload` schema as
 * the enqueuer sends it (`io: 'input'`: a field with a default is optional), by handler name —
 * the built-in `email` and `webhook`, and each module of FLOE_FUNCTIONS_DIR that declares one.
 * A handler without a schema is absent (its queues' payloads stay `Json`).
 */
import { z } from 'zod'
import type { Logger } from '../log.js'
import type { Handler } from './define-handler.js'
import { EmailPayload } from './handlers/email.js'
import { loadFunctions } from './handlers/load-functions.js'
import { WebhookPayload } from './handlers/webhook.js'

export type PayloadSchemas = Map<string, Record<string, unknown>>

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
}

export async function describeHandlerPayloads(functionsDir: string | undefined, log: Logger): Promise<PayloadSchemas> {
  const out: PayloadSchemas = new Map()
  const user: Map<string, Handler> = await loadFunctions(functionsDir, log)
  for (const [name, handler] of user) {
    if (!handler.payload) continue
    try {
      out.set(name, toJsonSchema(handler.payload))
    } catch (err) {
      log.warn({ err, handler: name }, 'job handler payload schema has no JSON Schema form: its queues stay Json')
    }
  }
  // Built-ins last, as the workers set them: a user module cannot shadow one.
  out.set('email', toJsonSchema(EmailPayload))
  out.set('webhook', toJsonSchema(WebhookPayload))
  return out
}
