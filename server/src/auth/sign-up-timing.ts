/**
 * Keeps a sign-up to a taken address from answering faster or slower than a real one. A real
 * sign-up inserts the user and its account and sends the confirmation (over SMTP: a round trip of
 * its own); the answer for a taken address (a decoy user, see better-auth.ts and GoTrue's
 * obfuscatedUser) may do less. A fixed floor would fail as soon as real sign-ups got slower than
 * it, and waiting until a real sign-up's time would make decoys slower whenever their own work is
 * close to a real one (the max of two). So a decoy waits for the difference between what real
 * sign-ups and decoys took here lately (medians of the last few of each): under any mailer and any
 * load the two answer times centre on the same value.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

const KEPT = 32
const MAX_MS = 5_000

export interface SignUpTiming {
  /** Runs one sign-up; one for a taken address is delayed by what a real one takes longer. */
  run<T>(signUp: () => Promise<T>, succeeded?: (answer: T) => boolean): Promise<T>
  /** Called inside run() when the answer is the decoy for a taken address. */
  markTaken(): void
}

/** The last KEPT durations and their median. */
function createWindow() {
  const kept: number[] = []
  let next = 0
  return {
    add(ms: number) {
      kept[next] = Math.min(MAX_MS, ms)
      next = (next + 1) % KEPT
    },
    median(): number | undefined {
      if (kept.length === 0) return undefined
      const sorted = [...kept].sort((a, b) => a - b)
      return sorted[Math.floor(sorted.length / 2)]
    },
  }
}

export function createSignUpTiming(): SignUpTiming {
  const real = createWindow()
  const decoy = createWindow()
  const current = new AsyncLocalStorage<{ taken: boolean }>()
  return {
    async run(signUp, succeeded = () => true) {
      const state = { taken: false }
      const started = performance.now()
      // A failure (bad input, mail down) says nothing about the address: no delay, and it is not
      // counted either, or a burst of fast refusals would make decoys answer faster than real ones.
      const answer = await current.run(state, signUp)
      const elapsed = performance.now() - started
      if (state.taken) {
        decoy.add(elapsed)
        const [r, d] = [real.median(), decoy.median()]
        if (r !== undefined && d !== undefined) await sleep(Math.max(0, r - d))
      } else if (succeeded(answer)) {
        real.add(elapsed)
      }
      return answer
    },
    markTaken() {
      const state = current.getStore()
      if (state) state.taken = true
    },
  }
}
