/**
 * Job events for realtime (`jobs.wait` over a socket instead of polling): `watch` checks that the
 * identity may read the job (as `GET /jobs/v1/<queue>/<id>` does: its enqueuer or the service
 * role), then calls `onView` with the job as that route shows it, once at once and again after
 * each event BullMQ reports for it (active, progress, completed, failed, retried, delayed).
 *
 * Events come from BullMQ's QueueEvents (a Redis stream each replica reads for itself, so a job
 * run by a worker in any process is heard on every replica). One QueueEvents per queue while
 * someone watches a job of it, closed with the last watcher. Each event re-reads the job rather
 * than trusting the event's fields, and reads of one job never overlap: a burst of progress
 * events costs at most one read in flight and one after it, and the last view is always current.
 */
import { QueueEvents } from 'bullmq'
import type { RequestRole } from '../db/index.js'
import type { Logger } from '../log.js'
import type { Bull } from './bull.js'
import type { JobsService } from './service.js'
import type { JobView } from './types.js'

export interface JobWatcher {
  watch(identity: RequestRole, queue: string, id: string, onView: (view: JobView) => void): Promise<() => void>
  close(): Promise<void>
}

const EVENTS = ['active', 'progress', 'completed', 'failed', 'waiting', 'delayed', 'removed'] as const
const SERVICE: RequestRole = { role: 'service_role', claims: { role: 'service_role' } }

interface Watched {
  listeners: Set<(view: JobView) => void>
  reading: boolean
  again: boolean
}

interface QueueWatch {
  events: QueueEvents
  /** Handed to QueueEvents, which does not close a connection it was given: closed here. */
  connection: ReturnType<Bull['workerConnection']>
  ready: Promise<unknown>
  jobs: Map<string, Watched>
}

async function stop(qw: QueueWatch): Promise<void> {
  await qw.events.close().catch(() => undefined)
  await qw.connection.quit().catch(() => qw.connection.disconnect())
}

export function createJobWatcher(bull: Bull, service: JobsService, log: Logger): JobWatcher {
  const queues = new Map<string, QueueWatch>()

  /** Reads the job and hands it to its listeners; a read asked for while one runs follows it. */
  function refresh(queue: string, id: string, watched: Watched): void {
    if (watched.reading) {
      watched.again = true
      return
    }
    watched.reading = true
    service
      .getJob(SERVICE, queue, id)
      .then((view) => {
        for (const fn of watched.listeners) fn(view)
      })
      .catch((err: unknown) => log.debug({ err, queue, id }, 'jobs: reading a watched job failed'))
      .finally(() => {
        watched.reading = false
        if (watched.again && watched.listeners.size > 0) {
          watched.again = false
          refresh(queue, id, watched)
        }
      })
  }

  function queueWatch(queue: string): QueueWatch {
    let qw = queues.get(queue)
    if (qw) return qw
    const connection = bull.workerConnection()
    const events = new QueueEvents(queue, { connection, prefix: bull.prefix })
    events.on('error', (err) => log.debug({ err, queue }, 'jobs: queue events connection error'))
    const jobs = new Map<string, Watched>()
    for (const name of EVENTS) {
      events.on(name, (args: { jobId: string }) => {
        const watched = jobs.get(args.jobId)
        if (watched) refresh(queue, args.jobId, watched)
      })
    }
    qw = { events, connection, ready: events.waitUntilReady(), jobs }
    queues.set(queue, qw)
    return qw
  }

  function unwatch(queue: string, id: string, fn: (view: JobView) => void): void {
    const qw = queues.get(queue)
    const watched = qw?.jobs.get(id)
    if (!qw || !watched) return
    watched.listeners.delete(fn)
    if (watched.listeners.size > 0) return
    qw.jobs.delete(id)
    if (qw.jobs.size > 0) return
    queues.delete(queue)
    void stop(qw)
  }

  return {
    async watch(identity, queue, id, onView) {
      // Refused (404 for another's job, as the route answers) before anything is opened.
      await service.getJob(identity, queue, id)
      const qw = queueWatch(queue)
      let watched = qw.jobs.get(id)
      if (!watched) qw.jobs.set(id, (watched = { listeners: new Set(), reading: false, again: false }))
      watched.listeners.add(onView)
      try {
        // Listening before the first read: an event between the two is not lost, it reads again.
        await qw.ready
      } catch (err) {
        unwatch(queue, id, onView)
        throw err
      }
      refresh(queue, id, watched)
      return () => unwatch(queue, id, onView)
    },
    async close() {
      const all = [...queues.values()]
      queues.clear()
      await Promise.all(all.map(stop))
    },
  }
}
