/**
 * Notifications: `const toast = useToast(); toast.success('Saved')`, `toast.error(err)` (an
 * ApiError's message). Announced through an aria-live region; each goes after a few seconds
 * (errors stay until dismissed).
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { errorMessage } from '../lib/api'

type Kind = 'success' | 'error' | 'info'
interface Item {
  id: number
  kind: Kind
  text: string
}

export interface Toaster {
  success(text: string): void
  info(text: string): void
  /** A string, or any thrown value (its message is shown). */
  error(err: unknown): void
}

const ToastContext = createContext<Toaster | undefined>(undefined)

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<Item[]>([])
  const next = useRef(1)
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), [])
  const push = useCallback(
    (kind: Kind, text: string) => {
      const id = next.current++
      setItems((xs) => [...xs.slice(-4), { id, kind, text }])
      if (kind !== 'error') setTimeout(() => dismiss(id), 4000)
    },
    [dismiss],
  )
  const toaster = useMemo<Toaster>(
    () => ({
      success: (t) => push('success', t),
      info: (t) => push('info', t),
      error: (e) => push('error', typeof e === 'string' ? e : errorMessage(e)),
    }),
    [push],
  )
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            <span>{t.text}</span>
            <button type="button" className="icon-btn" onClick={() => dismiss(t.id)} aria-label="Dismiss">
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export function useToast(): Toaster {
  const t = useContext(ToastContext)
  if (!t) throw new Error('useToast outside ToastProvider')
  return t
}
