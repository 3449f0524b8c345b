/**
 * Every screen in the sidebar, in order. Each is a lazy-loaded page: `pages/<dir>/index.tsx`
 * with a default export. A screen author replaces that file (and adds files beside it); this
 * list changes only to add a screen.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react'

export interface Screen {
  /** The route under /dashboard/ and the folder under src/pages/. */
  path: string
  label: string
  /** A one-glyph icon (no icon font: nothing to fetch, nothing for the CSP to allow). */
  icon: string
  page: LazyExoticComponent<ComponentType>
}

export const SCREENS: Screen[] = [
  { path: 'tables', label: 'Table editor', icon: '▦', page: lazy(() => import('./pages/tables/index')) },
  { path: 'schema', label: 'Schema', icon: '◇', page: lazy(() => import('./pages/schema/index')) },
  { path: 'rules', label: 'Rules', icon: '§', page: lazy(() => import('./pages/rules/index')) },
  { path: 'sql', label: 'SQL editor', icon: '›_', page: lazy(() => import('./pages/sql/index')) },
  { path: 'users', label: 'Users', icon: '☺', page: lazy(() => import('./pages/users/index')) },
  { path: 'storage', label: 'Storage', icon: '▤', page: lazy(() => import('./pages/storage/index')) },
  { path: 'jobs', label: 'Jobs', icon: '⟳', page: lazy(() => import('./pages/jobs/index')) },
  { path: 'settings', label: 'Settings', icon: '⚙', page: lazy(() => import('./pages/settings/index')) },
]
