/**
 * A modal dialog with no styling opinions beyond the shared classes: rendered in a portal,
 * `role="dialog"` with `aria-modal` and a labelled title, focus moved inside on open, Tab and
 * Shift+Tab kept inside (focus trap), Esc and a click on the backdrop close it, and focus
 * returned to what had it before.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export interface DialogProps {
  open: boolean
  onClose: () => void
  title: ReactNode
  children?: ReactNode
  /** Buttons, right-aligned under the body. */
  footer?: ReactNode
  /** Widths: sm 420px, md 560px, lg 860px (all capped by the window). */
  size?: 'sm' | 'md' | 'lg'
  /** False while something is in flight that Esc must not abandon. */
  dismissable?: boolean
}

export function Dialog({ open, onClose, title, children, footer, size = 'md', dismissable = true }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null)
  const titleId = useId()
  const onCloseRef = useRef(onClose)
  onCloseRef.current = onClose
  const dismissableRef = useRef(dismissable)
  dismissableRef.current = dismissable

  useEffect(() => {
    if (!open) return
    const previous = document.activeElement as HTMLElement | null
    const el = panel.current
    const first = el?.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? el?.querySelector<HTMLElement>(FOCUSABLE) ?? el
    first?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && dismissableRef.current) {
        e.stopPropagation()
        onCloseRef.current()
      } else if (e.key === 'Tab' && el) {
        const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null)
        if (items.length === 0) {
          e.preventDefault()
          return
        }
        const [head, tail] = [items[0]!, items[items.length - 1]!]
        if (e.shiftKey && (document.activeElement === head || !el.contains(document.activeElement))) {
          e.preventDefault()
          tail.focus()
        } else if (!e.shiftKey && (document.activeElement === tail || !el.contains(document.activeElement))) {
          e.preventDefault()
          head.focus()
        }
      }
    }
    document.addEventListener('keydown', onKey, true)
    const overflow = document.body.style.overflow
    document.body.style.overflow = 'hidden'
    return () => {
      document.removeEventListener('keydown', onKey, true)
      document.body.style.overflow = overflow
      previous?.focus?.()
    }
  }, [open])

  if (!open) return null
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && dismissable && onClose()}>
      <div ref={panel} className={`dialog dialog-${size}`} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          {dismissable && (
            <button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
              ×
            </button>
          )}
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </div>,
    document.body,
  )
}
