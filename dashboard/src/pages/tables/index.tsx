import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the Table editor screen is coming (replace this file). */
export default function TablesPage() {
  return (
    <>
      <PageHeader title="Table editor" description="Browse, filter, sort and edit rows of every table." />
      <EmptyState title="Coming">The Table editor screen is being built.</EmptyState>
    </>
  )
}
