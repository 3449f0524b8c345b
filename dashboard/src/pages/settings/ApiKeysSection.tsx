import { useState } from 'react'
import { Button, ConfirmDialog, CopyButton, ErrorState, Loading, useToast } from '../../components'
import { adminFetch, ApiError, useAdminMutation, useAdminQuery } from '../../lib/api'
import { useAuth } from '../../lib/auth'
import { formatDateTime } from '../../lib/format'

export interface ApiKey {
  kind: 'anon' | 'service'
  key: string
  source: 'env' | 'database'
  created_at: string | null
}

const ABOUT: Record<ApiKey['kind'], { title: string; text: string }> = {
  anon: { title: 'Anon key', text: 'Public: safe in a browser or app. Requests with it are bound by the row-level rules.' },
  service: { title: 'Service key', text: 'Secret: bypasses every rule. Use it only on servers you control; never ship it to a browser.' },
}

export function ApiKeysSection() {
  const { config, replaceAnonKey } = useAuth()
  const keys = useAdminQuery<ApiKey[]>('/keys', { retry: false })
  // A server without GET /admin/v1/keys (404): the anon key from /dashboard/config.json only.
  const missingApi = keys.error instanceof ApiError && keys.error.status === 404
  const toast = useToast()
  const [rotating, setRotating] = useState<ApiKey['kind']>()
  const rotate = useAdminMutation((kind: ApiKey['kind']) => adminFetch<ApiKey>(`/keys/${kind}/rotate`, { method: 'POST' }), {
    invalidates: ['/keys'],
    onSuccess: (k) => {
      if (k.kind === 'anon') replaceAnonKey(k.key)
      toast.success(`${ABOUT[k.kind].title} rotated: the old one no longer works`)
    },
  })

  return (
    <section className="section card" aria-labelledby="keys-title">
      <h2 id="keys-title">Project URL and API keys</h2>
      <dl className="kv">
        <dt>URL</dt>
        <dd className="secret">
          <code>{config?.url}</code>
          {config && <CopyButton value={config.url} what="URL" />}
        </dd>
        {keys.isPending && !missingApi && (
          <dd style={{ gridColumn: '1 / -1' }}>
            <Loading label="Loading the keys…" />
          </dd>
        )}
        {(keys.data ?? (missingApi && config ? [{ kind: 'anon' as const, key: config.anon_key, source: 'database' as const, created_at: null }] : [])).map((k) => (
          <KeyRow key={k.kind} apiKey={k} onRotate={missingApi || k.source === 'env' ? undefined : () => setRotating(k.kind)} />
        ))}
      </dl>
      {missingApi && (
        <p className="muted">
          This server does not list its keys to the dashboard yet: the service key is shown by <code>floe keys</code> on the server.
        </p>
      )}
      {keys.error && !missingApi && <ErrorState error={keys.error} title="The keys could not be loaded" onRetry={() => void keys.refetch()} compact />}
      <ConfirmDialog
        open={rotating !== undefined}
        onClose={() => setRotating(undefined)}
        title={`Rotate the ${rotating ?? ''} key?`}
        confirmLabel="Rotate"
        danger
        onConfirm={() => rotating && rotate.mutateAsync(rotating)}
      >
        <p>
          A new key replaces it, and the current one stops working at once on every server: every app and script using it
          must be given the new one.
        </p>
      </ConfirmDialog>
    </section>
  )
}

function KeyRow({ apiKey, onRotate }: { apiKey: ApiKey; onRotate: (() => void) | undefined }) {
  const secret = apiKey.kind === 'service'
  const [revealed, setRevealed] = useState(!secret)
  const about = ABOUT[apiKey.kind]
  return (
    <>
      <dt>{about.title}</dt>
      <dd>
        <div className="secret" data-testid={`key-${apiKey.kind}`}>
          <code aria-label={about.title}>{revealed ? apiKey.key : '•'.repeat(32)}</code>
          {secret && (
            <Button size="sm" onClick={() => setRevealed((r) => !r)} aria-pressed={revealed}>
              {revealed ? 'Hide' : 'Reveal'}
            </Button>
          )}
          <CopyButton value={apiKey.key} what={about.title} />
          {onRotate && (
            <Button size="sm" variant="ghost" onClick={onRotate}>
              Rotate…
            </Button>
          )}
        </div>
        <p className="muted key-note">
          {about.text}{' '}
          {apiKey.source === 'env'
            ? `Set by ${apiKey.kind === 'anon' ? 'FLOE_ANON_KEY' : 'FLOE_SERVICE_KEY'}: change the variable to replace it.`
            : apiKey.created_at && `Created ${formatDateTime(apiKey.created_at)}.`}
        </p>
      </dd>
    </>
  )
}
