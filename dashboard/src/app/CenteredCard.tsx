import type { ReactNode } from 'react'

/** The frame of the screens outside the shell (sign-in, setup, not-admin). */
export function CenteredCard({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <div className="center-page">
      <div className="card center-card">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">❄</span> Floe
        </div>
        {title && <h1>{title}</h1>}
        {children}
      </div>
    </div>
  )
}
