import { defineHandler } from '../../server/src/jobs/index.js'

/** The bench's no-op job: measures the queue, not the work. */
export default defineHandler({ run: () => null })
