/** One page of a table's rows with the exact count of all that match, refetched as the view changes. */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import type { ApiError } from '../../lib/api'
import { buildSearch, useRest, type Filter, type Page, type Sort, type TableRef } from './rest'

export interface RowsView {
  /** `*` and the embedded labels of referenced rows. */
  select: string
  /** False while the select is not known yet (the referenced tables' label columns). */
  ready: boolean
  filters: Filter[]
  sort: Sort[]
  page: number
  pageSize: number
}

export function useRows(table: TableRef, view: RowsView) {
  const rest = useRest()
  const qc = useQueryClient()
  const search = buildSearch({ select: view.select, filters: view.filters, sort: view.sort })
  const from = view.page * view.pageSize
  const query = useQuery<Page & { from: number }, ApiError>({
    queryKey: ['tables-rows', table.schema, table.name, search, from, view.pageSize],
    // `from` travels with the rows: while the next page loads, the previous one (and its range) stays shown.
    queryFn: async ({ signal }) => ({ ...(await rest.select(table, { search, from, to: from + view.pageSize - 1, count: true, signal })), from }),
    enabled: view.ready,
    placeholderData: keepPreviousData,
    staleTime: 0,
  })
  /** After a write: this table's pages and the table list's counts. */
  const invalidate = useCallback(async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['tables-rows', table.schema, table.name] }),
      qc.invalidateQueries({ queryKey: ['admin', '/tables'] }),
    ])
  }, [qc, table.schema, table.name])
  return { ...query, search, invalidate }
}
