import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the Rules screen is coming (replace this file). */
export default function RulesPage() {
  return (
    <>
      <PageHeader title="Rules" description="Row-level rules per table, with templates and the RLS warnings." />
      <EmptyState title="Coming">The Rules screen is being built.</EmptyState>
    </>
  )
}
