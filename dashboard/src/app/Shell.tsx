/** The signed-in layout: sidebar (every screen, and the API docs), top bar, the screen. */
import { Suspense, useEffect, useState } from 'react'
import { NavLink, Outlet, useLocation } from 'react-router'
import { Button, ErrorState, Loading } from '../components'
import { useAuth } from '../lib/auth'
import { DOCS_URL } from '../lib/links'
import { SCREENS } from '../screens'
import { ErrorBoundary } from './ErrorBoundary'

export function Shell() {
  const { status, signOut } = useAuth()
  const [navOpen, setNavOpen] = useState(false)
  const location = useLocation()
  // On a narrow window the sidebar is a drawer: close it once a screen is chosen.
  useEffect(() => setNavOpen(false), [location.pathname])
  const email = 'session' in status ? status.session.user.email : undefined

  return (
    <div className={`shell${navOpen ? ' nav-open' : ''}`}>
      <aside className="sidebar" id="sidebar" aria-label="Screens">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">❄</span> Floe
        </div>
        <nav>
          <ul>
            {SCREENS.map((s) => (
              <li key={s.path}>
                <NavLink to={`/${s.path}`} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
                  <span className="nav-icon" aria-hidden="true">{s.icon}</span>
                  {s.label}
                </NavLink>
              </li>
            ))}
            <li>
              <a className="nav-link" href={DOCS_URL} target="_blank" rel="noreferrer">
                <span className="nav-icon" aria-hidden="true">↗</span>
                API docs
              </a>
            </li>
          </ul>
        </nav>
      </aside>
      <div className="nav-scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />
      <div className="main-col">
        <header className="topbar">
          <button
            type="button"
            className="icon-btn nav-toggle"
            aria-label={navOpen ? 'Close menu' : 'Open menu'}
            aria-expanded={navOpen}
            aria-controls="sidebar"
            onClick={() => setNavOpen((o) => !o)}
          >
            ☰
          </button>
          <div className="topbar-spacer" />
          {email && <span className="muted topbar-user" title="Signed in as">{email}</span>}
          <Button size="sm" variant="ghost" onClick={() => void signOut()}>
            Sign out
          </Button>
        </header>
        <main className="content" id="main">
          {/* Keyed by screen, not by path: a screen's own sub-routes keep its state; another screen starts afresh. */}
          <ErrorBoundary key={location.pathname.split('/')[1] ?? ''} fallback={(err) => <ErrorState error={err} title="This screen failed" />}>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  )
}
