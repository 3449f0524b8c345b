/**
 * The Table editor: the tables on the left (on top on a narrow window), the chosen one's rows on
 * the right. The chosen table is the rest of the URL: /dashboard/tables/<schema>.<table>.
 */
import { useParams } from 'react-router'
import { EmptyState, PageHeader } from '../../components'
import { TableList } from './TableList'
import { TableView } from './TableView'
import './tables.css'

export default function TablesPage() {
  const id = useParams()['*'] || undefined
  const dot = id?.indexOf('.') ?? -1
  const table = id && dot > 0 ? { schema: id.slice(0, dot), name: id.slice(dot + 1) } : undefined
  return (
    <>
      <PageHeader title="Table editor" description="Browse, filter, sort and edit the rows of every table, as the service role." />
      <div className="tables-layout">
        <TableList selected={id} />
        <div className="tables-main">
          {table ? (
            <TableView key={id} table={table} />
          ) : id ? (
            <EmptyState title="No such table">Expected a URL like /dashboard/tables/public.books.</EmptyState>
          ) : (
            <EmptyState title="Choose a table">Pick a table on the left to see its rows.</EmptyState>
          )}
        </div>
      </div>
    </>
  )
}
