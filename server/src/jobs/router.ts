/**
 * /jobs/v1. Admin routes (`/admin/...`, service key only) are registered before the other caller
 * routes so `GET /admin/queues` is never read as `GET /{queue}/{id}` ("admin" is also refused as
 * a queue name). The enqueue route comes first of all: it is a direct route (served without Hono
 * by the Node server), so it applies the admin guard to `POST /admin` itself.
 */
import { createRouter, requireIdentity, type ModuleRoutes } from '../http/index.js'
import { type Register } from './routes/common.js'
import { registerCreateWebhook } from './routes/create-webhook.js'
import { registerDeleteQueue } from './routes/delete-queue.js'
import { registerDeleteSchedule } from './routes/delete-schedule.js'
import { registerDeleteWebhook } from './routes/delete-webhook.js'
import { registerEnqueueJob } from './routes/enqueue-job.js'
import { registerGetJob } from './routes/get-job.js'
import { registerGetQueueCounts } from './routes/get-queue-counts.js'
import { registerListDeadLetter } from './routes/list-dead-letter.js'
import { registerListJobs } from './routes/list-jobs.js'
import { registerListQueues } from './routes/list-queues.js'
import { registerListSchedules } from './routes/list-schedules.js'
import { registerListWebhookDeliveries } from './routes/list-webhook-deliveries.js'
import { registerListWebhooks } from './routes/list-webhooks.js'
import { registerPauseQueue } from './routes/pause-queue.js'
import { registerPutQueue } from './routes/put-queue.js'
import { registerPutSchedule } from './routes/put-schedule.js'
import { registerRemoveJob } from './routes/remove-job.js'
import { registerResumeQueue } from './routes/resume-queue.js'
import { registerRetryJob } from './routes/retry-job.js'
import type { Jobs } from './runtime.js'

const ADMIN: Register[] = [
  registerListQueues,
  registerPutQueue,
  registerDeleteQueue,
  registerGetQueueCounts,
  registerListJobs,
  registerRetryJob,
  registerRemoveJob,
  registerPauseQueue,
  registerResumeQueue,
  registerListSchedules,
  registerPutSchedule,
  registerDeleteSchedule,
  registerListDeadLetter,
  registerListWebhooks,
  registerListWebhookDeliveries,
  registerCreateWebhook,
  registerDeleteWebhook,
]

export function jobsRouter(jobs: Jobs): ModuleRoutes {
  const router = createRouter()
  // First: a direct route, registered ahead of the admin guard, which it applies itself to `admin`.
  const enqueue = registerEnqueueJob(router, jobs)
  router.use('/admin/*', async (c, next) => {
    jobs.service.requireService(requireIdentity(c))
    await next()
  })
  for (const register of ADMIN) register(router, jobs)
  registerGetJob(router, jobs)
  return { router, direct: [enqueue] }
}
