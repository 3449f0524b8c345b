/** A spinner; `Loading` is the block version a screen shows while its data arrives. */
export function Spinner({ size = 18, label = 'Loading' }: { size?: number; label?: string }) {
  return <span className="spinner" style={{ width: size, height: size }} role={label ? 'status' : undefined} aria-label={label || undefined} />
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <Spinner label="" />
      <span>{label}</span>
    </div>
  )
}
