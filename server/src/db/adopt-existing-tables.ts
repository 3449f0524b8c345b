import type pg from 'pg'
import type { Logger } from '../log.js'

type Outcome = 'rls_enabled' | 'closed' | 'policies_kept' | 'service_role_only' | 'sequence' | 'not_permitted'

export interface AdoptedObject {
  schema_name: string
  object_name: string
  relkind: string
  outcome: Outcome
  /** For `not_permitted`: the owner, who alone can run the grants. */
  detail: string | null
}

/** Enough names to act on without one log line growing with the database. */
const MAX_NAMES = 20
const names = (objs: AdoptedObject[]) =>
  objs.slice(0, MAX_NAMES).map((o) => o.object_name).concat(objs.length > MAX_NAMES ? [`… ${objs.length - MAX_NAMES} more`] : [])

/**
 * Takes in the tables of exposed schemas that Floe has never granted anything on (tables that
 * existed before Floe, or in a schema exposed later): RLS on, service_role granted, anon and
 * authenticated fail-closed (migration 0015 says exactly what and why). Logs what it did, per
 * schema, so an operator pointing Floe at an existing database learns it at the first boot.
 */
export async function adoptExistingTables(pool: pg.Pool, log: Logger): Promise<AdoptedObject[]> {
  const { rows } = await pool.query<AdoptedObject>('select * from floe.adopt_existing_tables()')
  for (const schema of new Set(rows.map((r) => r.schema_name))) {
    const of = (...outcomes: Outcome[]) => rows.filter((r) => r.schema_name === schema && outcomes.includes(r.outcome))
    const closed = of('rls_enabled', 'closed')
    if (closed.length > 0) {
      const enabled = of('rls_enabled').length
      log.info(
        { schema, tables: names(closed), rlsEnabled: enabled },
        `${closed.length} existing table(s) in ${schema}: row-level security on (enabled now on ${enabled}), service_role granted; ` +
          'anon/authenticated closed until rules exist (README: "Using your own services")',
      )
    }
    const kept = of('policies_kept')
    if (kept.length > 0) {
      log.warn(
        { schema, tables: names(kept) },
        `${kept.length} existing table(s) in ${schema} already have row-level policies for anon, authenticated or PUBLIC: ` +
          'service_role granted, anon/authenticated NOT granted so policies written before Floe do not open them; once those ' +
          'policies are meant for Floe: grant select, insert, update, delete on <table> to anon, authenticated',
      )
    }
    const views = of('service_role_only')
    if (views.length > 0) {
      log.info(
        { schema, views: names(views) },
        `${views.length} existing view(s) or foreign table(s) in ${schema}: service_role granted; anon/authenticated not ` +
          '(a view reads its tables with its owner\'s rights, past their rules)',
      )
    }
    const refused = of('not_permitted')
    if (refused.length > 0) {
      log.warn(
        { schema, objects: refused.slice(0, MAX_NAMES).map((r) => ({ name: r.object_name, owner: r.detail })) },
        `${refused.length} existing object(s) in ${schema} belong to roles Floe's database role cannot act for, so nothing was ` +
          'granted on them and even the service key gets 403: as their owner run `alter table <t> enable row level security; ' +
          'grant select, insert, update, delete on <t> to service_role` (and to anon, authenticated for rules to apply)',
      )
    }
  }
  return rows
}
