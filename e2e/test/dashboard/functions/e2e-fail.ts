/**
 * A job handler (FLOE_FUNCTIONS_DIR, loaded by the server through tsx) that always fails, naming
 * how many times it has run in this server process: the Jobs screen test sees a retried job run
 * again by the number in its failed reason. A plain object is what defineHandler() returns.
 */
let runs = 0

export default {
  async run(): Promise<never> {
    runs += 1
    throw new Error(`boom: run ${runs}`)
  },
}
