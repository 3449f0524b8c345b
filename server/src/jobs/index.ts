/**
 * Jobs: queue declarations (floe.queues), BullMQ queues and workers built from them, the
 * built-in `email` and `webhook` handlers and user handlers from FLOE_FUNCTIONS_DIR, repeatable
 * jobs, database webhooks, and the outbox relay that makes `floe.enqueue()` and webhook events
 * transactional. It does not authenticate (it is handed an Identity) and does not own Redis
 * configuration (it is handed config). Without a reachable Redis it reports itself off.
 */
export { jobsRouter } from './router.js'
export { createJobs, type Jobs, type JobsDeps } from './runtime.js'
export type { JobWatcher } from './watch.js'
export { describeHandlerPayloads, type PayloadSchemas } from './payload-schemas.js'
export { defineHandler, type Handler, type HandlerContext } from './define-handler.js'
export type { HandlerStorage } from './handler-storage.js'
export { signWebhook } from './handlers/webhook.js'
export { JOBS_OFF_UNREACHABLE, JOBS_OFF_UNSET } from './bull.js'
