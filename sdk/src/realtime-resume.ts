/**
 * Resumable postgres changes (a Floe extension). Floe gives each change a position in commit
 * order (`payload.data.position` on the wire) and, on a join carrying `floe: { since }`, first
 * replays the retained changes after it: none lost across a reconnect, none twice. realtime-js
 * builds the callback's payload from a fixed list of fields and drops `position`; this hooks the
 * channel's payload transform (the Phoenix channel's `onMessage`, which runs before any binding)
 * so that every postgres change handed to a callback carries `position`, and keeps the join
 * payload's `since` at the last position seen, so realtime-js's own automatic rejoin resumes.
 *
 * It reaches one realtime-js internal (`channelAdapter.getChannel()`), pinned with the version:
 * when it is missing, `resumeChanges` throws at once rather than silently losing positions.
 */
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/realtime-js'

/** A postgres change as a callback receives it through a tracked channel. */
export type FloePostgresChangesPayload<T extends Record<string, unknown> = Record<string, unknown>> = RealtimePostgresChangesPayload<T> & {
  /** This change's position; persist the last one handled to resume from it later. */
  position: string
}

export interface ResumeOptions {
  /** Resume after this position (one a previous session saw): missed changes come first. */
  since?: string | undefined
  /** Called with each change's position, after the channel's callbacks ran for it. */
  onPosition?: (position: string) => void
}

export interface ChangeResume {
  /** The last position seen (or `since` until a change arrives). */
  readonly position: string | undefined
  /** Sets where the next join resumes from (undefined: live changes only). */
  resumeFrom(position: string | undefined): void
}

type OnMessage = (event: string, payload: unknown, ref?: unknown, joinRef?: unknown) => unknown
interface PhoenixChannelLike {
  onMessage: OnMessage
}
interface ChannelInternals {
  channelAdapter?: { getChannel?: () => PhoenixChannelLike }
}

function phoenixChannel(channel: RealtimeChannel): PhoenixChannelLike {
  const inner = (channel as unknown as ChannelInternals).channelAdapter?.getChannel?.()
  if (!inner || typeof inner.onMessage !== 'function') throw new Error('@floe/sdk: this realtime-js version has no channelAdapter.getChannel(); resume needs @supabase/realtime-js 2.109.0')
  return inner
}

function positionOf(event: string, payload: unknown): string | undefined {
  if (event !== 'postgres_changes' || typeof payload !== 'object' || payload === null) return undefined
  const data = (payload as { data?: { position?: unknown } }).data
  const p = data?.position
  return typeof p === 'string' || typeof p === 'number' ? String(p) : undefined
}

/**
 * Makes a channel resumable; call it before `subscribe()`.
 * @example
 * const channel = floe.channel('todos').on('postgres_changes', { event: '*', schema: 'public', table: 'todos' },
 *   (p) => save((p as FloePostgresChangesPayload).position))
 * resumeChanges(channel, { since: localStorage.getItem('todos.pos') ?? undefined })
 * channel.subscribe()
 */
export function resumeChanges(channel: RealtimeChannel, options: ResumeOptions = {}): ChangeResume {
  const inner = phoenixChannel(channel)
  const transform = inner.onMessage.bind(inner)
  let last = options.since
  const setSince = (since: string | undefined) => channel.updateJoinPayload({ floe: since === undefined ? {} : { since } })
  if (last !== undefined) setSince(last)
  inner.onMessage = (event, payload, ref, joinRef) => {
    const handled = transform(event, payload, ref, joinRef)
    const position = positionOf(event, payload)
    if (position === undefined) return handled
    last = position
    setSince(position)
    if (options.onPosition) {
      const report = options.onPosition
      // Phoenix calls the bindings right after this returns: report once they have run.
      queueMicrotask(() => report(position))
    }
    return typeof handled === 'object' && handled !== null ? { ...handled, position } : handled
  }
  return {
    get position() {
      return last
    },
    resumeFrom(position) {
      last = position
      setSince(position)
    },
  }
}
