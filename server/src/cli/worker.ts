import type { CliContext } from './context.js'

/** `floe worker`: job workers and the outbox relay only; runs until SIGINT / SIGTERM. */
export async function worker({ config, log }: CliContext): Promise<void> {
  const { startWorker } = await import('../worker.js')
  const running = await startWorker(config, log)
  const stop = (signal: string) => {
    log.info({ signal }, 'floe worker: stopping, letting active jobs finish')
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.stdout.write('floe worker running (jobs only)\n')
}
