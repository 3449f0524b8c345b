import { CliError, parseArgs, withDatabase, type CliContext } from './context.js'

/**
 * `floe migrate [--status | --dry-run]`: Floe's own migrations, then the app's (FLOE_MIGRATIONS_DIR),
 * each file in its own transaction, under the advisory lock that boot takes too.
 */
export async function migrateCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { flags, positionals } = parseArgs('migrate', args, { '--status': false, '--dry-run': false })
  if (positionals.length > 0) throw new CliError(`floe migrate: unexpected "${positionals[0]}" (floe migrate [--status | --dry-run])`)
  if (flags.has('--status') && flags.has('--dry-run')) throw new CliError('floe migrate: --status or --dry-run, not both')
  const { config, log } = ctx
  const { migrate, migrationStatus } = await import('../db/index.js')
  await withDatabase(ctx, async (database) => {
    if (flags.has('--status') || flags.has('--dry-run')) {
      const status = await migrationStatus(database.pool, undefined, { appDir: config.migrationsDir })
      process.stdout.write(flags.has('--status') ? formatStatus(status, config.migrationsDir) : formatDryRun(status))
      return
    }
    const result = await migrate(database.pool, log, undefined, { appDir: config.migrationsDir, exposedSchemas: config.dbSchemas })
    const lines = [
      ...result.applied.map((name) => `applied ${name} (Floe)`),
      ...result.appApplied.map((file) => `applied ${file}`),
      ...result.appChanged.map((file) => `warning: ${file} changed after it was applied (not applied again; add a new migration instead)`),
    ]
    if (result.applied.length + result.appApplied.length === 0) lines.unshift('nothing to apply: the database is up to date')
    process.stdout.write(lines.join('\n') + '\n')
  })
}

type Status = Awaited<ReturnType<typeof import('../db/index.js').migrationStatus>>

function formatStatus(status: Status, dir: string): string {
  const { platform, app } = status
  const lines = [`Floe's migrations: ${platform.applied} applied, ${platform.pending.length} pending`]
  if (app.length === 0) {
    lines.push(`app migrations (${dir}): none`)
    return lines.join('\n') + '\n'
  }
  lines.push(`app migrations (${dir}):`)
  const width = Math.max(...app.map((m) => m.state.length))
  for (const m of app) {
    const when = m.appliedAt ? `  (${m.appliedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC)` : ''
    lines.push(`  ${m.state.padEnd(width)}  ${m.file ?? m.name}${when}`)
  }
  const pending = app.filter((m) => m.state === 'pending').length
  lines.push(`${app.length - pending} applied, ${pending} pending`)
  return lines.join('\n') + '\n'
}

function formatDryRun(status: Status): string {
  const pending = [...status.platform.pending.map((name) => `${name} (Floe)`), ...status.app.filter((m) => m.state === 'pending').map((m) => m.file!)]
  if (pending.length === 0) return 'nothing to apply: the database is up to date\n'
  return ['would apply, in this order (dry run: nothing applied):', ...pending.map((p) => `  ${p}`)].join('\n') + '\n'
}

/** `floe migration new <name>`: an empty timestamped SQL file in FLOE_MIGRATIONS_DIR. */
export async function migrationCommand({ config }: CliContext, args: string[]): Promise<void> {
  if (args[0] !== 'new') throw new CliError('floe migration: expected "floe migration new <name>"')
  if (args.length !== 2) throw new CliError('floe migration new: give one name, e.g. floe migration new create_todos')
  const { createAppMigration, displayPath } = await import('../db/index.js')
  const file = await createAppMigration(config.migrationsDir, args[1]!).catch((err: unknown) => {
    throw new CliError(`floe migration new: ${err instanceof Error ? err.message : String(err)}`)
  })
  process.stdout.write(`created ${displayPath(file)}\n`)
}
