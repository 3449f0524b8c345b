import { CliError, flagValue, parseArgs, withDatabase, type CliContext } from './context.js'

/** `floe gen types typescript [--schema a,b] [--db-url url]`: the text on stdout, nothing else. */
export async function genTypes(ctx: CliContext, args: string[]): Promise<void> {
  const { flags, positionals } = parseArgs('gen types', args, { '--schema': true, '--schemas': true, '--db-url': true })
  if (positionals[0] !== 'types' || positionals[1] !== 'typescript' || positionals.length > 2) {
    throw new CliError('floe gen: expected "floe gen types typescript [--schema public,other] [--db-url <url>]"')
  }
  const listed = flagValue(flags, '--schema') ?? flagValue(flags, '--schemas')
  const schemas = listed ? listed.split(',').map((s) => s.trim()).filter(Boolean) : ctx.config.dbSchemas
  const { generateTypescript } = await import('../typegen/index.js')
  const { describeHandlerPayloads } = await import('../jobs/index.js')
  // FLOE_FUNCTIONS_DIR's handlers, as the server would load them: their payload schemas type the queues.
  const payloads = Object.fromEntries(await describeHandlerPayloads(ctx.config.jobs.functionsDir, ctx.log))
  const text = await withDatabase(ctx, (database) => generateTypescript(database.withOwner, schemas, payloads), flagValue(flags, '--db-url'))
  process.stdout.write(text)
}
