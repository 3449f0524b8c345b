import { ApiError } from './api-error.js'

/** What is read of a zod issue; structural, so errors/ does not depend on zod. */
export interface InputIssue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/**
 * The one zod failure → 400 INVALID_INPUT mapping (createRouter's defaultHook and the routes that
 * validate by hand). `details` is JSON: `[{ path: [target, ...], message }]`.
 * `withPaths: false` keeps storage's older message, which lists the issues without their
 * location (its targets already name it, e.g. `path bucket`); its details are the same.
 */
export function invalidInput(target: string, error: { readonly issues: readonly InputIssue[] }, options: { withPaths?: boolean } = {}): ApiError {
  const { issues } = error
  const where = (i: InputIssue) => (options.withPaths === false ? '' : `${target}${i.path.length ? '.' + i.path.join('.') : ''} `)
  return new ApiError('INVALID_INPUT', {
    message: `Invalid ${target}: ${issues.map((i) => `${where(i)}${i.message}`).join('; ')}`,
    details: JSON.stringify(issues.map((i) => ({ path: [target, ...i.path.map(String)], message: i.message }))),
  })
}
