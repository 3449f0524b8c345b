/** bucket / a / b: each part opens that folder. */
export function Breadcrumbs({ bucket, prefix, onNavigate }: { bucket: string; prefix: string; onNavigate: (prefix: string) => void }) {
  const parts = prefix.split('/').filter(Boolean)
  return (
    <nav className="storage-crumbs" aria-label="Folder path">
      <ol>
        <li>
          {parts.length === 0 ? (
            <span aria-current="page">{bucket}</span>
          ) : (
            <button type="button" onClick={() => onNavigate('')}>{bucket}</button>
          )}
        </li>
        {parts.map((p, i) => (
          <li key={i}>
            {i === parts.length - 1 ? (
              <span aria-current="page">{p}</span>
            ) : (
              <button type="button" onClick={() => onNavigate(`${parts.slice(0, i + 1).join('/')}/`)}>{p}</button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  )
}
