/**
 * Tables and columns for completion, read in one information_schema query through the SQL
 * runner (read only): `{ schema: { table: [columns] } }`, as lang-sql's `schema` option takes it.
 * Platform schemas (auth, storage, …) are included: rules and queries often join auth.users.
 */
import type { SQLNamespace } from '@codemirror/lang-sql'
import { useQuery } from '@tanstack/react-query'
import { runSql } from './run-sql'

const COLUMNS_SQL = `select table_schema, table_name, column_name
from information_schema.columns
where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_toast%'
order by table_schema, table_name, ordinal_position`

export function useSchemaNamespace(): SQLNamespace | undefined {
  const { data } = useQuery({
    // Under 'admin' so that a schema change elsewhere that invalidates ['admin'] refreshes it.
    queryKey: ['admin', '/sql', 'completion-schema'],
    queryFn: async ({ signal }) => {
      const res = await runSql({ query: COLUMNS_SQL, role: 'owner', read_only: true, max_rows: 10_000 }, signal)
      const ns: Record<string, Record<string, string[]>> = {}
      for (const [schema, table, column] of res.results[0]?.rows ?? []) {
        const s = (ns[String(schema)] ??= {})
        ;(s[String(table)] ??= []).push(String(column))
      }
      return ns as SQLNamespace
    },
    // Each read is an audited SQL run: read once, and again when a schema change invalidates ['admin'].
    staleTime: 10 * 60_000,
  })
  return data
}
