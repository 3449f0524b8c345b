import { useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Button, Dialog, ErrorState } from '../../components'
import { useAction } from '../../lib/use-action'
import { filesKey } from './queries'
import { encodePath, storageFetch } from './service-fetch'
import { FOLDER_PLACEHOLDER } from './types'

/** Folders exist through their objects: an empty one holds Supabase's placeholder object. */
export function NewFolderDialog({ open, onClose, bucket, prefix, onCreated }: { open: boolean; onClose: () => void; bucket: string; prefix: string; onCreated: (prefix: string) => void }) {
  const [name, setName] = useState('')
  const { busy, error, run, reset } = useAction()
  const qc = useQueryClient()
  const close = () => {
    setName('')
    reset()
    onClose()
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const folder = name.trim().replace(/^\/+|\/+$/g, '')
    const created = await run(async () => {
      await storageFetch(`/object/${bucket}/${encodePath(`${prefix}${folder}/${FOLDER_PLACEHOLDER}`)}`, {
        method: 'POST',
        body: new Blob([], { type: 'text/plain' }),
        headers: { 'content-type': 'text/plain' },
      })
      await qc.invalidateQueries({ queryKey: filesKey(bucket) })
    })
    if (!created) return
    onCreated(`${prefix}${folder}/`)
    close()
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      title="New folder"
      size="sm"
      dismissable={!busy}
      footer={
        <>
          <Button onClick={close} disabled={busy}>Cancel</Button>
          <Button variant="primary" type="submit" form="new-folder-form" loading={busy}>Create folder</Button>
        </>
      }
    >
      <form id="new-folder-form" className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Folder name
          <input required autoFocus value={name} pattern="[^\/]+(\/[^\/]+)*\/?" onChange={(e) => setName(e.target.value)} />
        </label>
        <p className="muted storage-small">In /{prefix}</p>
        {error !== undefined && <ErrorState error={error} compact />}
      </form>
    </Dialog>
  )
}
