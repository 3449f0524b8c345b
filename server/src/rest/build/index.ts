/**
 * Build: the third stage of the data API. Turns a plan into one SQL statement with `$n`
 * placeholders and its values; every value is bound, every identifier quoted and taken from the
 * plan. Knows nothing of HTTP; the executor runs the statement and shapes the response.
 */
export { buildRead, buildCountExplain } from './read-statement.js'
export { buildMutation } from './mutation-statement.js'
export { buildCall } from './call-statement.js'
export { type BuildOptions, type SqlStatement } from './sql.js'
