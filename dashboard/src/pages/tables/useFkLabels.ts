/**
 * The grid shows a foreign key with its referenced row's label (`2 · Italo Calvino`): each key's
 * referenced table is read for its label column, and the rows are selected with an embed per key,
 * `author_id__ref:authors!books_author_id_fkey(name)`, named by the constraint so two keys to the
 * same table stay apart. Keys into another schema are left bare (the data API embeds within one).
 */
import { useQueries } from '@tanstack/react-query'
import { adminFetch, adminKey } from '../../lib/api'
import { labelColumn, type Field, type TableDetail } from './model'

export const refAlias = (column: string) => `${column}__ref`

export function useFkLabels(schema: string, fields: Field[]): { select: string; ready: boolean; labels: Map<string, string> } {
  const fks = fields.filter((f) => f.fk && f.fk.schema === schema)
  const details = useQueries({
    queries: fks.map((f) => {
      const path = `/tables/${f.fk!.schema}.${f.fk!.table}`
      return { queryKey: adminKey(path), queryFn: () => adminFetch<TableDetail>(path) }
    }),
  })
  const labels = new Map<string, string>()
  fks.forEach((f, i) => {
    const d = details[i]?.data
    const label = d && labelColumn(d, f.fk!.column)
    if (label) labels.set(f.name, label)
  })
  const embeds = [...labels].map(([column, label]) => {
    const f = fields.find((x) => x.name === column)!
    return `${refAlias(column)}:${f.fk!.table}!${f.fk!.name}(${label})`
  })
  // A referenced table that cannot be read just leaves its key bare.
  const ready = details.every((d) => !d.isPending)
  return { select: ['*', ...embeds].join(','), ready, labels }
}
