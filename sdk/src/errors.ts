/**
 * FloeError: the one error type of the SDK's own calls (jobs, realtime resume). Floe answers
 * every error as `{ code, message, details, hint }` with an HTTP status; this keeps all five, so
 * an app branches on `code` (UPPER_SNAKE, never renamed) rather than on a message. The composed
 * libraries keep their own error types (PostgrestError, AuthError, StorageError).
 */

/** The fields of a Floe JSON error body, plus the HTTP status (0: no response). */
export interface FloeErrorShape {
  code: string
  message: string
  details: string | null
  hint: string | null
  status: number
}

export class FloeError extends Error implements FloeErrorShape {
  override readonly name = 'FloeError'
  readonly code: string
  readonly details: string | null
  readonly hint: string | null
  readonly status: number

  constructor(shape: FloeErrorShape, options?: { cause?: unknown }) {
    super(shape.message, options)
    this.code = shape.code
    this.details = shape.details
    this.hint = shape.hint
    this.status = shape.status
  }

  toJSON(): FloeErrorShape {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint, status: this.status }
  }
}

export function isFloeError(value: unknown): value is FloeError {
  return value instanceof FloeError
}

/** `details` may be a string or structured (zod issues): kept as text either way. */
function asText(value: unknown): string | null {
  if (value === undefined || value === null) return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Reads a failed response into a FloeError; a body that is not Floe's JSON still gives one. */
export async function errorFromResponse(res: Response): Promise<FloeError> {
  const text = await res.text().catch(() => '')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>
    return new FloeError({
      code: typeof b.code === 'string' ? b.code : `HTTP_${res.status}`,
      message: typeof b.message === 'string' ? b.message : res.statusText || `HTTP ${res.status}`,
      details: asText(b.details),
      hint: asText(b.hint),
      status: res.status,
    })
  }
  return new FloeError({ code: `HTTP_${res.status}`, message: text || res.statusText || `HTTP ${res.status}`, details: null, hint: null, status: res.status })
}

/** A request that got no response (network down, CORS, aborted). */
export function errorFromThrown(err: unknown): FloeError {
  if (err instanceof FloeError) return err
  const aborted = typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError'
  const message = err instanceof Error ? err.message : String(err)
  return new FloeError({ code: aborted ? 'ABORTED' : 'FETCH_ERROR', message, details: null, hint: null, status: 0 }, { cause: err })
}
