/**
 * A 400's message placed under the form field it is about: INVALID_INPUT's details name each
 * issue's path (`["body", "using"]`); Postgres' refusal of an expression goes under `fallback`.
 */
import { ApiError, errorMessage } from '../../lib/api'

export type FieldErrors = Record<string, string>

export function fieldErrors(err: unknown, fields: string[], fallback: string): FieldErrors {
  if (!(err instanceof ApiError)) return { [fallback]: errorMessage(err) }
  if (err.code === 'INVALID_INPUT' && typeof err.details === 'string') {
    try {
      const issues = JSON.parse(err.details) as { path: string[]; message: string }[]
      const out: FieldErrors = {}
      for (const i of issues) {
        const field = i.path.slice(1).find((p) => fields.includes(p)) ?? fallback
        out[field] = out[field] ? `${out[field]}; ${i.message}` : i.message
      }
      if (Object.keys(out).length > 0) return out
    } catch {
      // Not the JSON list: show the message as a whole.
    }
  }
  return { [fallback]: err.hint ? `${err.message} (${err.hint})` : err.message }
}
