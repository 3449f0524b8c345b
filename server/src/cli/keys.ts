import { CliError, withDatabase, type CliContext } from './context.js'

/** `floe keys` and `floe keys rotate anon|service`. */
export async function keys(ctx: CliContext, args: string[]): Promise<void> {
  const { config, log } = ctx
  const rotate = args[0] === 'rotate'
  const kind = args[1]
  if (rotate && kind !== 'anon' && kind !== 'service') throw new CliError('floe keys rotate: say which key: anon or service')
  if (rotate && args.length > 2) throw new CliError(`floe keys rotate: unexpected "${args[2]}"`)
  if (!rotate && args.length > 0) throw new CliError(`floe keys: unexpected "${args[0]}" (floe keys, or floe keys rotate anon|service)`)
  if (rotate && (kind === 'anon' ? config.anonKey : config.serviceKey) !== undefined) {
    throw new CliError(`floe keys rotate: the ${kind} key is set by FLOE_${kind!.toUpperCase()}_KEY; change it there`)
  }
  const { ensureInstanceSecrets, listKeys, rotateKey } = await import('../auth/index.js')
  const { migrate } = await import('../db/index.js')
  await withDatabase(ctx, async (database) => {
    await migrate(database.pool, log)
    const secrets = await ensureInstanceSecrets(database.withOwner, config)
    if (rotate) {
      const key = await rotateKey(database.withOwner, kind as 'anon' | 'service', secrets.jwtSecret)
      process.stdout.write(`new ${kind} key: ${key}\nthe previous ${kind} key stops working at once on every server\n`)
      return
    }
    const stored = await listKeys(database.db, secrets.jwtSecret)
    for (const k of ['anon', 'service'] as const) {
      const env = k === 'anon' ? config.anonKey : config.serviceKey
      const row = stored.find((r) => r.kind === k)
      process.stdout.write(`${k.padEnd(8)} ${env ? `(set by FLOE_${k.toUpperCase()}_KEY)` : (row?.key ?? '(none)')}\n`)
    }
  })
}
