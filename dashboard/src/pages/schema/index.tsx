import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the Schema screen is coming (replace this file). */
export default function SchemaPage() {
  return (
    <>
      <PageHeader title="Schema" description="Tables, columns, types, defaults, foreign keys and indexes." />
      <EmptyState title="Coming">The Schema screen is being built.</EmptyState>
    </>
  )
}
