import { EmptyState, PageHeader } from '../../components'

/** Placeholder: replaced by the settings screen (API keys, auth settings, docs). */
export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="API keys, auth settings and the API docs." />
      <EmptyState title="Coming">The Settings screen is being built.</EmptyState>
    </>
  )
}
