/**
 * Schema: tables (columns, keys, indexes) and enums, changed through the schema editor API.
 * Every change is previewed as the SQL the server will run (a dry run), then applied.
 * The open table is in the URL (?table=schema.name).
 */
import { useState } from 'react'
import { useSearchParams } from 'react-router'
import { Button, EmptyState, PageHeader, useToast } from '../../components'
import { TableList } from '../rules/TableList'
import { CreateTableDialog } from './CreateTableDialog'
import { EnumsPanel } from './EnumsPanel'
import { ObjectsPanel } from './ObjectsPanel'
import { TableView, useRefreshSchema } from './TableView'
import './schema.css'

export default function SchemaPage() {
  const [params, setParams] = useSearchParams()
  const table = params.get('table') ?? undefined
  const [creating, setCreating] = useState(false)
  const refresh = useRefreshSchema()
  const toast = useToast()

  return (
    <>
      <PageHeader
        title="Schema"
        description="Tables, columns, keys, indexes and enums. Each change shows its SQL before it runs."
        actions={<Button variant="primary" onClick={() => setCreating(true)}>New table</Button>}
      />
      <div className="schema-layout">
        <TableList selected={table} onSelect={(ref) => setParams({ table: ref })} show="rows" />
        <div className="schema-main">
          {table ? (
            <TableView key={table} table={table} onNavigate={(ref) => setParams(ref ? { table: ref } : {})} />
          ) : (
            <div className="card">
              <EmptyState title="Pick a table" action={<Button onClick={() => setCreating(true)}>New table</Button>}>
                Or create one.
              </EmptyState>
            </div>
          )}
          <EnumsPanel />
          <ObjectsPanel />
        </div>
      </div>
      {creating && (
        <CreateTableDialog
          onClose={() => setCreating(false)}
          onCreated={async (ref) => {
            await refresh()
            toast.success(`Table ${ref} created`)
            setParams({ table: ref })
          }}
        />
      )}
    </>
  )
}
