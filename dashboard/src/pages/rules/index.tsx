/**
 * Rules: row-level security per table (its rules, RLS and realtime switches), the warnings
 * across every table, and the explainer ("can user X see row Y, and which rule decides").
 * The chosen table is in the URL (?table=schema.name), so a warning's link is shareable.
 */
import { useSearchParams } from 'react-router'
import { EmptyState, PageHeader } from '../../components'
import { Explainer } from './Explainer'
import { TableList } from './TableList'
import { TableRules } from './TableRules'
import { WarningsPanel } from './WarningsPanel'
import './rules.css'

export default function RulesPage() {
  const [params, setParams] = useSearchParams()
  const table = params.get('table') ?? undefined
  const open = (ref: string) => {
    setParams({ table: ref })
    window.scrollTo({ top: 0 })
  }

  return (
    <>
      <PageHeader title="Rules" description="Who may see and change which rows: row-level security rules per table, checked by Postgres on every request." />
      <div className="rules-layout">
        <TableList selected={table} onSelect={open} />
        <div className="rules-main">
          {table ? (
            <>
              <TableRules key={table} table={table} />
              <Explainer key={`explain-${table}`} table={table} />
            </>
          ) : (
            <div className="card">
              <EmptyState title="Pick a table">Its rules, switches and the explainer appear here. Tables with a warning are marked in the list.</EmptyState>
            </div>
          )}
          <WarningsPanel onOpen={open} />
        </div>
      </div>
    </>
  )
}
