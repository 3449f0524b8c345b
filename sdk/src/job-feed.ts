/**
 * `jobs.wait` over realtime: a channel joined with Floe's `floe.job = { queue, id }` hears the job
 * (`job` broadcasts, the same shape as `GET /jobs/v1/<queue>/<id>`) at once and at each change of
 * state or progress, so nothing polls. The server sends the job again on every (re)join, so a
 * reconnect loses nothing. When the channel cannot join (no realtime on the server, an older
 * server, a socket that will not open), `watchJob` settles with `undefined` and the caller polls.
 */
import type { RealtimeChannel, RealtimeClient } from '@supabase/realtime-js'

export interface JobView {
  id: string
  queue: string
  state: string
  progress: unknown
}

export interface JobFeedHandlers {
  /** Each view of the job, in order; return true when the wait is over (the channel is removed). */
  onJob(job: JobView): boolean
  signal?: AbortSignal | undefined
}

let feeds = 0
/** How long after joining the first view of the job may take before the wait polls instead. */
const FIRST_VIEW_MS = 5_000

/**
 * Resolves 'done' once `onJob` returned true, 'aborted' when the signal fired, or 'unavailable'
 * when the channel could not join before any job was heard (the caller then polls).
 */
export function watchJob(realtime: RealtimeClient, ref: { queue: string; id: string }, handlers: JobFeedHandlers): Promise<'done' | 'aborted' | 'unavailable'> {
  return new Promise((resolve) => {
    // A topic of its own per wait: two waits on one client never share a channel.
    const channel: RealtimeChannel = realtime.channel(`floe-job:${ref.queue}:${ref.id}:${++feeds}`, { config: {} })
    let settled = false
    const finish = (outcome: 'done' | 'aborted' | 'unavailable') => {
      if (settled) return
      settled = true
      handlers.signal?.removeEventListener('abort', onAbort)
      void realtime.removeChannel(channel)
      resolve(outcome)
    }
    const onAbort = () => finish('aborted')
    if (handlers.signal?.aborted) return finish('aborted')
    handlers.signal?.addEventListener('abort', onAbort, { once: true })
    channel.updateJoinPayload({ floe: { job: ref } })
    channel.on('broadcast', { event: 'job' }, (message: { payload?: unknown }) => {
      if (!settled && isJobView(message.payload) && handlers.onJob(message.payload)) finish('done')
    })
    let heard = false
    channel.on('broadcast', { event: 'job' }, () => (heard = true))
    channel.subscribe((status) => {
      // Refused (no such job, no realtime) or unreachable: polling says what is wrong, or works.
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' || status === 'CLOSED') finish('unavailable')
      // Floe sends the job right after the join's reply; silence means a server without job feeds.
      if (status === 'SUBSCRIBED') setTimeout(() => heard || finish('unavailable'), FIRST_VIEW_MS)
    })
  })
}

function isJobView(value: unknown): value is JobView {
  return typeof value === 'object' && value !== null && typeof (value as { state?: unknown }).state === 'string'
}
