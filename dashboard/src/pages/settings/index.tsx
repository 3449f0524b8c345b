/**
 * Settings: this instance's URL and API keys (the service key hidden until revealed; copy and
 * rotate), the auth settings as /auth/v1/settings states them, and links to the API docs.
 */
import { PageHeader } from '../../components'
import { ApiKeysSection } from './ApiKeysSection'
import { AuthSettingsSection } from './AuthSettingsSection'
import { DocsSection } from './DocsSection'

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="API keys, auth settings and the API docs." />
      <ApiKeysSection />
      <AuthSettingsSection />
      <DocsSection />
    </>
  )
}
