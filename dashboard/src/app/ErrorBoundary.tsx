import { Component, type ReactNode } from 'react'

/** A screen that throws while rendering shows its error instead of blanking the dashboard. */
export class ErrorBoundary extends Component<{ children: ReactNode; fallback: (error: unknown) => ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined }

  static getDerivedStateFromError(error: unknown) {
    return { error: error ?? new Error('Unknown error') }
  }

  override render() {
    return this.state.error !== undefined ? this.props.fallback(this.state.error) : this.props.children
  }
}
