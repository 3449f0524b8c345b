import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { Spinner } from './Spinner'

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant
  size?: 'sm' | 'md'
  /** Shows a spinner and disables the button (a request in flight). */
  loading?: boolean
  icon?: ReactNode
}

/** `type="button"` unless told otherwise, so a button in a form never submits by accident. */
export function Button({ variant = 'secondary', size = 'md', loading = false, icon, disabled, className, children, type = 'button', ...rest }: ButtonProps) {
  const cls = ['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].filter(Boolean).join(' ')
  return (
    <button type={type} className={cls} disabled={disabled || loading} aria-busy={loading || undefined} {...rest}>
      {loading ? <Spinner size={14} label="" /> : icon}
      {children}
    </button>
  )
}
