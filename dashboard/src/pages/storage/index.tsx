import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the Storage screen is coming (replace this file). */
export default function StoragePage() {
  return (
    <>
      <PageHeader title="Storage" description="Buckets and their objects." />
      <EmptyState title="Coming">The Storage screen is being built.</EmptyState>
    </>
  )
}
