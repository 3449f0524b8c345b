/** One table: columns, primary key, foreign keys both ways, indexes, and the changes to each. */
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { Button, ErrorState, Loading, useToast } from '../../components'
import { useAdminQuery } from '../../lib/api'
import { formatNumber } from '../../lib/format'
import { AddColumnDialog, AlterColumnDialog, DropDialog } from './ColumnDialogs'
import { AddForeignKeyDialog, CreateIndexDialog, RenameTableDialog, SetPrimaryKeyDialog } from './KeyDialogs'
import { ColumnsTable, ForeignKeyList, IndexList } from './TableSections'
import { FK_PATH, type Open, type TableDetail } from './types'


/** What a schema change may have altered: every table's summary and detail, enums, indexes. */
export function useRefreshSchema() {
  const qc = useQueryClient()
  /** `gone`: a table renamed or dropped, whose own queries must not refetch (a 404) but go. */
  return async (gone?: string) => {
    const isGone = (key: unknown) => gone !== undefined && typeof key === 'string' && (key === FK_PATH(gone) || key.startsWith(`${FK_PATH(gone)}/`))
    if (gone) qc.removeQueries({ predicate: (q) => q.queryKey[0] === 'admin' && isGone(q.queryKey[1]) })
    await qc.invalidateQueries({
      predicate: (q) => q.queryKey[0] === 'admin' && typeof q.queryKey[1] === 'string' && !isGone(q.queryKey[1]) && /^\/(tables|enums|indexes|views|functions|rules|realtime|sql)/.test(q.queryKey[1]),
    })
  }
}

/** `onNavigate`: the table was renamed (its new name) or dropped (undefined). */
export function TableView({ table, onNavigate }: { table: string; onNavigate(ref: string | undefined): void }) {
  const { data: t, isPending, error, refetch } = useAdminQuery<TableDetail>(FK_PATH(table))
  const [open, setOpen] = useState<Open>()
  const refresh = useRefreshSchema()
  const toast = useToast()
  if (isPending) return <Loading />
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />

  const done = (message: string) => async () => {
    await refresh()
    toast.success(message)
  }
  const columns = t.columns.map((c) => c.name)
  const close = () => setOpen(undefined)

  return (
    <section className="card schema-table" aria-label={`Table ${table}`}>
      <header className="schema-table-head">
        <div>
          <h2 className="mono">{table}</h2>
          <p className="muted">
            {t.rows_exact ? '' : '~'}
            {formatNumber(t.rows)} rows · RLS {t.rls_enabled ? 'on' : 'off'} · {t.policy_count} rule{t.policy_count === 1 ? '' : 's'} ·{' '}
            <Link to={`/rules?table=${encodeURIComponent(table)}`}>rules</Link>
          </p>
        </div>
        <div className="page-actions">
          <Button size="sm" onClick={() => setOpen({ kind: 'rename' })}>Rename</Button>
          <Button variant="ghost" size="sm" onClick={() => setOpen({ kind: 'drop', what: `table ${table}`, path: FK_PATH(table), cascade: true })}>
            Drop table
          </Button>
        </div>
      </header>

      <div className="schema-section">
        <div className="schema-section-head">
          <h3>Columns</h3>
          <Button size="sm" onClick={() => setOpen({ kind: 'add-column' })}>Add column</Button>
        </div>
        <ColumnsTable table={t} onOpen={setOpen} />
        <p className="muted schema-pk">
          Primary key: {t.primary_key ? <span className="mono">{t.primary_key.columns.join(', ')}</span> : 'none'}{' '}
          <button type="button" className="link-btn" onClick={() => setOpen({ kind: 'primary-key' })}>{t.primary_key ? 'change' : 'set'}</button>
          {t.primary_key && (
            <button type="button" className="link-btn" onClick={() => setOpen({ kind: 'drop', what: `the primary key of ${table}`, path: `${FK_PATH(table)}/primary-key`, cascade: true })}>
              drop
            </button>
          )}
        </p>
      </div>

      <div className="schema-section">
        <div className="schema-section-head">
          <h3>Foreign keys</h3>
          <Button size="sm" onClick={() => setOpen({ kind: 'add-fk' })}>Add foreign key</Button>
        </div>
        <ForeignKeyList keys={t.foreign_keys} direction="out" onDrop={(fk) => setOpen({ kind: 'drop', what: `foreign key ${fk.name}`, path: `${FK_PATH(table)}/foreign-keys/${encodeURIComponent(fk.name)}` })} />
        <h4>Referenced by</h4>
        <ForeignKeyList keys={t.referenced_by} direction="in" />
      </div>

      <div className="schema-section">
        <div className="schema-section-head">
          <h3>Indexes</h3>
          <Button size="sm" onClick={() => setOpen({ kind: 'add-index' })}>Create index</Button>
        </div>
        <IndexList indexes={t.indexes} onDrop={(i) => setOpen({ kind: 'drop', what: `index ${i.name}`, path: `/indexes/${encodeURIComponent(`${i.schema}.${i.name}`)}` })} />
      </div>

      {open?.kind === 'add-column' && <AddColumnDialog table={table} onClose={close} onDone={done('Column added')} />}
      {open?.kind === 'alter-column' && <AlterColumnDialog table={table} column={open.column} onClose={close} onDone={done('Column changed')} />}
      {open?.kind === 'add-fk' && <AddForeignKeyDialog table={table} columns={columns} onClose={close} onDone={done('Foreign key added')} />}
      {open?.kind === 'add-index' && <CreateIndexDialog table={table} columns={columns} onClose={close} onDone={done('Index created')} />}
      {open?.kind === 'primary-key' && <SetPrimaryKeyDialog table={table} columns={columns} current={t.primary_key?.columns ?? []} onClose={close} onDone={done('Primary key set')} />}
      {open?.kind === 'rename' && (
        <RenameTableDialog
          table={table}
          onClose={close}
          onDone={async (ref) => {
            onNavigate(ref)
            await refresh(table)
            toast.success(`Renamed to ${ref}`)
          }}
        />
      )}
      {open?.kind === 'drop' && (
        <DropDialog
          what={open.what}
          path={open.path}
          cascade={open.cascade}
          onClose={close}
          onDone={async () => {
            // The open table itself: leave its page before the lists refetch it as a 404.
            const isTable = open.path === FK_PATH(table)
            if (isTable) onNavigate(undefined)
            await refresh(isTable ? table : undefined)
            toast.success(`Dropped ${open.what}`)
          }}
        />
      )}
    </section>
  )
}
