import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the SQL editor screen is coming (replace this file). */
export default function SqlPage() {
  return (
    <>
      <PageHeader title="SQL editor" description="Run SQL as a chosen role." />
      <EmptyState title="Coming">The SQL editor screen is being built.</EmptyState>
    </>
  )
}
