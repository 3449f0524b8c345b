import { useEffect, useState } from 'react'
import { Button, EmptyState, ErrorState, Loading } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { formatDateTime, formatRelative } from '../../lib/format'
import { CreateUserDialog } from './CreateUserDialog'
import { Pager } from './Pager'
import { isAdminRole, type UserList } from './types'
import { UserDetail } from './UserDetail'

const PAGE = 25

function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

/** The searchable, paged list with the selected user's panel beside it. */
export function UsersTab() {
  const [search, setSearch] = useState('')
  const [offset, setOffset] = useState(0)
  const [selected, setSelected] = useState<string>()
  const [creating, setCreating] = useState(false)
  const term = useDebounced(search.trim())
  useEffect(() => setOffset(0), [term])
  const list = useAdminQuery<UserList>('/users', { query: { search: term || undefined, limit: PAGE, offset }, placeholderData: (prev) => prev })

  return (
    <div className={`users-layout${selected ? ' with-detail' : ''}`}>
      <section className="users-list" aria-label="User list">
        <div className="users-toolbar">
          <input
            type="search"
            placeholder="Search email or name"
            aria-label="Search users"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create user
          </Button>
        </div>
        {list.isPending ? (
          <Loading label="Loading users…" />
        ) : list.error ? (
          <ErrorState error={list.error} title="Could not load users" onRetry={() => void list.refetch()} />
        ) : list.data.users.length === 0 ? (
          <EmptyState title={term ? 'No user matches' : 'No users yet'}>{term ? `Nothing matches “${term}”.` : 'Create the first one.'}</EmptyState>
        ) : (
          <>
            <div className="users-table-wrap">
              <table className="table users-table">
                <thead>
                  <tr>
                    <th>Email</th>
                    <th>Name</th>
                    <th>Role</th>
                    <th>Status</th>
                    <th>Created</th>
                    <th>Last sign-in</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.users.map((u) => (
                    <tr
                      key={u.id}
                      className={`users-row${selected === u.id ? ' selected' : ''}`}
                      onClick={() => setSelected(u.id)}
                      aria-selected={selected === u.id}
                    >
                      <td>
                        <button type="button" className="users-link" onClick={() => setSelected(u.id)}>
                          {u.email}
                        </button>
                      </td>
                      <td>{u.name || <span className="muted">—</span>}</td>
                      <td>{isAdminRole(u.role) ? <span className="badge badge-on">admin</span> : u.role}</td>
                      <td className="users-status">
                        {u.banned && <span className="badge users-badge-banned">banned</span>}
                        {u.email_verified ? <span className="badge">verified</span> : <span className="badge users-badge-muted">unverified</span>}
                      </td>
                      <td title={formatDateTime(u.created_at)}>{formatRelative(u.created_at)}</td>
                      <td title={formatDateTime(u.last_sign_in_at)}>{u.last_sign_in_at ? formatRelative(u.last_sign_in_at) : <span className="muted">never</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={PAGE} total={list.data.total} onOffset={setOffset} />
          </>
        )}
      </section>
      {selected && <UserDetail id={selected} onClose={() => setSelected(undefined)} />}
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} onCreated={(id) => setSelected(id)} />
    </div>
  )
}
