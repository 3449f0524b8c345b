import { EmptyState, PageHeader } from '../../components'

/** Placeholder: the Users screen is coming (replace this file). */
export default function UsersPage() {
  return (
    <>
      <PageHeader title="Users" description="Accounts: list, invite, ban, delete." />
      <EmptyState title="Coming">The Users screen is being built.</EmptyState>
    </>
  )
}
