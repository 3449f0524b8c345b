/**
 * One drain at a time, however often it is woken: the shape of every loop that moves work out of
 * Postgres when a NOTIFY, a sweep or a poll says there may be some (the jobs outbox relay, the
 * realtime sequencer and change feed). A wake during a run asks for exactly one more run after
 * it, never a second run beside it; a closed owner is not run again.
 */
export class SerialRunner {
  private running: Promise<void> | undefined
  private again = false

  /** `run` must not reject (it logs and swallows its own errors); `closed` is read at each wake. */
  constructor(
    private readonly run: () => Promise<void>,
    private readonly closed: () => boolean,
  ) {}

  wake(): void {
    if (this.closed()) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.run().finally(() => {
      this.running = undefined
      if (this.again) {
        this.again = false
        this.wake()
      }
    })
  }

  /** From inside a run: run once more when this one ends. */
  runAgain(): void {
    this.again = true
  }

  /** Settles when the run in flight, if any, has ended (for close()). */
  async settled(): Promise<void> {
    await this.running
  }
}
