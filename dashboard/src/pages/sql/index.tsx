/**
 * The SQL editor: a script run through POST /admin/v1/sql as the owner or as a request role (so a
 * query can be tried "as a user would see it"), one result per statement, the error put back at
 * its place in the editor, and a local history.
 */
import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useRef, useState } from 'react'
import { Button, PageHeader } from '../../components'
import { ApiError } from '../../lib/api'
import { HistoryPanel } from './HistoryPanel'
import { loadHistory, pushHistory, saveHistory, type HistoryEntry } from './history'
import { ResultsPanel, type RunOutcome } from './ResultsPanel'
import { claimsFor, RolePicker, type RunAs } from './RolePicker'
import { runSql } from './run-sql'
import { SqlEditor, type SqlEditorHandle } from './SqlEditor'
import { errorPosition } from './types'
import { useSchemaNamespace } from './use-schema-namespace'
import './sql.css'

const DRAFT_KEY = 'floe.dashboard.sql-draft'
const START = 'select * from public.notes limit 100;\n'

function readDraft(): string {
  try {
    return localStorage.getItem(DRAFT_KEY) ?? START
  } catch {
    return START
  }
}

/** The token at a 0-based offset: the error mark spans it (one character at least). */
function tokenRange(text: string, from: number): { from: number; to: number } {
  let to = from
  while (to < text.length && /[\w$."]/.test(text[to]!)) to++
  if (to === from) to = Math.min(from + 1, text.length)
  if (to === from && from > 0) return { from: from - 1, to: from }
  return { from, to }
}

export default function SqlPage() {
  const editor = useRef<SqlEditorHandle>(null)
  const qc = useQueryClient()
  const schema = useSchemaNamespace()
  const [runAs, setRunAs] = useState<RunAs>({ role: 'owner', userId: '', claimsText: '' })
  const [roleError, setRoleError] = useState<string>()
  const [running, setRunning] = useState(false)
  const [outcome, setOutcome] = useState<RunOutcome>()
  const [runId, setRunId] = useState(0)
  const [history, setHistory] = useState<HistoryEntry[]>(loadHistory)
  const [initialText] = useState(readDraft)
  const inFlight = useRef<AbortController>(null)

  const run = useCallback(
    async (selectionOnly: boolean) => {
      const ed = editor.current
      if (!ed || running) return
      const sel = selectionOnly ? ed.getSelection() : undefined
      if (selectionOnly && !sel) return setRoleError('Select some text to run only that')
      const query = sel?.text ?? ed.getText()
      const offset = sel?.from ?? 0
      if (!query.trim()) return
      const { claims, error } = claimsFor(runAs)
      setRoleError(error)
      if (error) return
      ed.markError(undefined)
      inFlight.current?.abort()
      const ctrl = (inFlight.current = new AbortController())
      setRunning(true)
      try {
        const response = await runSql({ query, role: runAs.role, claims }, ctrl.signal)
        setOutcome({ kind: 'ok', response, role: runAs.role === 'authenticated' ? `user ${runAs.userId.trim()}` : runAs.role })
        setHistory(pushHistory({ query, role: runAs.role, at: Date.now(), ok: true }))
        // A script that changed the schema (DDL) makes the completion and the other screens' lists stale.
        if (response.results.some((r) => !['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'SHOW', 'EXPLAIN'].includes(r.command))) {
          void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'admin' && typeof q.queryKey[1] === 'string' && /^\/(tables|enums|indexes|views|functions|rules|sql)/.test(q.queryKey[1]) })
        }
      } catch (err) {
        if (ctrl.signal.aborted) return
        const at = err instanceof ApiError ? errorPosition(err.details) : undefined
        setOutcome({ kind: 'error', error: err, at })
        setHistory(pushHistory({ query, role: runAs.role, at: Date.now(), ok: false }))
        if (at?.position) ed.markError(tokenRange(ed.getText(), offset + at.position - 1))
      } finally {
        setRunning(false)
        setRunId((n) => n + 1)
      }
    },
    [runAs, running, qc],
  )

  const clearHistory = () => {
    saveHistory([])
    setHistory([])
  }

  return (
    <div className="sql-page">
      <PageHeader title="SQL editor" description="Run SQL as the owner, or as a role or user to see what the rules let them see. One transaction per run." />
      <div className="sql-layout">
        <div className="sql-main">
          <div className="sql-toolbar">
            <RolePicker value={runAs} onChange={(v) => (setRunAs(v), setRoleError(undefined))} error={roleError} />
            <div className="sql-run-buttons">
              <Button onClick={() => void run(true)} disabled={running} title="Shift+Ctrl/Cmd+Enter">
                Run selection
              </Button>
              <Button variant="primary" onClick={() => void run(false)} loading={running} title="Ctrl/Cmd+Enter">
                Run
              </Button>
            </div>
          </div>
          <div className="sql-editor-box">
            <SqlEditor
              ref={editor}
              initialText={initialText}
              schema={schema}
              onRun={() => void run(false)}
              onRunSelection={() => void run(true)}
              onChange={(t) => {
                try {
                  localStorage.setItem(DRAFT_KEY, t)
                } catch {
                  // The draft is a convenience.
                }
              }}
            />
          </div>
          <p className="muted sql-hint">Ctrl/Cmd+Enter runs everything; Shift+Ctrl/Cmd+Enter runs the selection.</p>
          {outcome ? <ResultsPanel key={runId} outcome={outcome} /> : <p className="muted sql-empty">Run a query to see its results here.</p>}
        </div>
        <HistoryPanel
          entries={history}
          onPick={(e) => {
            editor.current?.setText(e.query)
            setRunAs((r) => ({ ...r, role: e.role }))
            editor.current?.focus()
          }}
          onClear={clearHistory}
        />
      </div>
    </div>
  )
}
