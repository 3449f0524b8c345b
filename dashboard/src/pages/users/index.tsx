/**
 * Users: the accounts (search, page, create, change role, ban, delete, sessions) and, on a second
 * tab, the development email outbox (auth emails kept when no SMTP server is configured).
 */
import { useSearchParams } from 'react-router'
import { PageHeader } from '../../components'
import { OutboxTab } from './OutboxTab'
import { UsersTab } from './UsersTab'
import './users.css'

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'outbox', label: 'Email outbox' },
] as const

export default function UsersPage() {
  const [params, setParams] = useSearchParams()
  const tab = params.get('tab') === 'outbox' ? 'outbox' : 'users'
  return (
    <>
      <PageHeader title="Users" description="Accounts: search, create, change role, ban, end sessions, delete." />
      <div className="users-tabs" role="tablist" aria-label="Users sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`users-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`users-panel-${t.id}`}
            className={`users-tab${tab === t.id ? ' active' : ''}`}
            onClick={() => setParams(t.id === 'users' ? {} : { tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`users-panel-${tab}`} aria-labelledby={`users-tab-${tab}`}>
        {tab === 'users' ? <UsersTab /> : <OutboxTab />}
      </div>
    </>
  )
}
