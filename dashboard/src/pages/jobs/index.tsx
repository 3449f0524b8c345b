import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the Jobs screen is coming (replace this file). */
export default function JobsPage() {
  return (
    <>
      <PageHeader title="Jobs" description="Queues, jobs, failures and retries." />
      <EmptyState title="Coming">The Jobs screen is being built.</EmptyState>
    </>
  )
}
