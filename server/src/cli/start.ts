import type { CliContext } from './context.js'

/** `floe start`: the server, until SIGINT / SIGTERM, then a graceful shutdown. */
export async function start({ config, log }: CliContext): Promise<void> {
  const { startFloe } = await import('../index.js')
  const floe = await startFloe(config, log)
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    log.info({ signal }, 'shutting down: draining in-flight requests')
    // While pools and clients close (and on Ctrl-C the embedded Postgres may already be gone), a
    // connection's late error must not turn an orderly stop into a crash with exit code 1.
    const late = (err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'error while shutting down')
    process.on('unhandledRejection', late)
    process.on('uncaughtException', late)
    floe.close().then(
      () => {
        log.info('stopped')
        process.exit(0)
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  const lines = [
    '',
    `  Floe is running`,
    `  API:       ${config.publicUrl.startsWith(`http://localhost:${config.port}`) ? floe.url : config.publicUrl}`,
    `  Docs:      ${floe.url}/docs`,
    `  Anon key:  ${floe.anonKey ?? '(set by FLOE_ANON_KEY)'}`,
  ]
  if (floe.createdServiceKey) {
    lines.push(
      `  Service key (shown once, keep it secret; \`floe keys\` shows it again):`,
      `             ${floe.createdServiceKey}`,
    )
  }
  // The banner goes straight to the terminal, not through the logger, so the service key never
  // enters a log pipeline; the structured log gets the URLs and the (public) anon key only.
  log.info({ url: floe.url, docs: `${floe.url}/docs`, anon_key: floe.anonKey }, 'ready')
  // Logs are buffered (log.ts): flush them first so the banner is what the start output ends with.
  await new Promise<void>((resolve) => log.flush(() => resolve()))
  process.stdout.write(lines.join('\n') + '\n\n')
}
