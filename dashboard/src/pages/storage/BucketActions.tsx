import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Button, ConfirmDialog, useToast } from '../../components'
import { BucketDialog } from './BucketDialog'
import { formatLimit } from './format-limit'
import { bucketsKey, filesKey } from './queries'
import { storageFetch } from './service-fetch'
import type { Bucket } from './types'

/** Settings, empty, delete: the last two confirmed, the server's refusal shown in the dialog. */
export function BucketActions({ bucket, onGone }: { bucket: Bucket; onGone: () => void }) {
  const [dialog, setDialog] = useState<'settings' | 'empty' | 'delete'>()
  const qc = useQueryClient()
  const toast = useToast()
  const close = () => setDialog(undefined)
  return (
    <>
      <div className="storage-bucket-actions">
        <Button size="sm" variant="ghost" onClick={() => setDialog('settings')}>Settings</Button>
      <Button size="sm" variant="ghost" onClick={() => setDialog('empty')}>Empty</Button>
      <Button size="sm" variant="ghost" className="storage-danger-text" onClick={() => setDialog('delete')}>Delete bucket</Button>
      </div>
      <BucketDialog open={dialog === 'settings'} onClose={close} bucket={bucket} />
      <ConfirmDialog
        open={dialog === 'empty'}
        onClose={close}
        title={`Empty ${bucket.name}?`}
        confirmLabel="Delete every file"
        danger
        onConfirm={async () => {
          await storageFetch(`/bucket/${bucket.id}/empty`, { method: 'POST' })
          await qc.invalidateQueries({ queryKey: filesKey(bucket.id) })
          toast.success(`Emptied ${bucket.name}`)
        }}
      >
        <p>Every file in the bucket is deleted for good. The bucket and its settings stay.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'delete'}
        onClose={close}
        title={`Delete ${bucket.name}?`}
        confirmLabel="Delete bucket"
        danger
        onConfirm={async () => {
          await storageFetch(`/bucket/${bucket.id}`, { method: 'DELETE' })
          await qc.invalidateQueries({ queryKey: bucketsKey })
          toast.success(`Deleted ${bucket.name}`)
          onGone()
        }}
      >
        <p>The bucket must be empty first (use Empty).</p>
        <p className="muted">
          {bucket.public ? 'Public' : 'Private'}
          {bucket.file_size_limit ? ` · limit ${formatLimit(bucket.file_size_limit)}` : ''}
          {bucket.allowed_mime_types ? ` · ${bucket.allowed_mime_types.join(', ')}` : ''}
        </p>
      </ConfirmDialog>
    </>
  )
}
