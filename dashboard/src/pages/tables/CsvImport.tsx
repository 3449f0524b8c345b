/**
 * Import a CSV file (picked or dropped): parsed in the browser, each header mapped to a column
 * (matched by name, or skipped), then inserted in batches of 500 rows with a progress bar. Each
 * batch is one transaction: the first that fails stops the import and names its rows and the
 * server's message; the rows before it stay imported.
 */
import { useState, type DragEvent } from 'react'
import { Button, Dialog, ErrorState } from '../../components'
import { errorMessage } from '../../lib/api'
import { plural } from '../../lib/format'
import { csvValue, parseCsv, type CsvCell } from './csv'
import type { Field, Row } from './model'

const BATCH = 500

interface Props {
  open: boolean
  table: string
  fields: Field[]
  onClose: () => void
  insert: (rows: Row[], columns: string[]) => Promise<unknown>
  onImported: () => void
}

interface Parsed {
  name: string
  header: string[]
  rows: CsvCell[][]
}

export function CsvImport({ open, table, fields, onClose, insert, onImported }: Props) {
  const [file, setFile] = useState<Parsed>()
  const [mapping, setMapping] = useState<string[]>([])
  const [parseError, setParseError] = useState<string>()
  const [progress, setProgress] = useState<{ done: number; running: boolean; failure?: { from: number; to: number; error: unknown } }>()

  const reset = () => {
    setFile(undefined)
    setMapping([])
    setParseError(undefined)
    setProgress(undefined)
  }
  const close = () => {
    if (progress?.running) return
    reset()
    onClose()
  }
  const load = async (f: File | undefined) => {
    if (!f) return
    reset()
    try {
      const [header, ...rows] = parseCsv(await f.text())
      if (!header) throw new Error('the file is empty')
      const names = header.map((h) => h ?? '')
      setFile({ name: f.name, header: names, rows })
      setMapping(names.map((h) => fields.find((c) => c.name.toLowerCase() === h.trim().toLowerCase() && !c.readOnly)?.name ?? ''))
    } catch (err) {
      setParseError(`${f.name}: ${errorMessage(err)}`)
    }
  }
  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    void load(e.dataTransfer.files[0])
  }

  const run = async () => {
    if (!file) return
    const used = mapping.map((c, i) => [c, i] as const).filter(([c]) => c)
    const columns = used.map(([c]) => c)
    const byName = new Map(fields.map((f) => [f.name, f]))
    let done = 0
    setProgress({ done, running: true })
    for (let start = 0; start < file.rows.length; start += BATCH) {
      const chunk = file.rows.slice(start, start + BATCH)
      // Line numbers as a spreadsheet shows them: the header is line 1.
      const lines = { from: start + 2, to: start + chunk.length + 1 }
      try {
        const rows = chunk.map((cells, i) => {
          try {
            return Object.fromEntries(used.map(([c, idx]) => [c, csvValue(byName.get(c)!, cells[idx] ?? null)]))
          } catch (err) {
            throw new Error(`line ${start + i + 2}: ${errorMessage(err)}`)
          }
        })
        await insert(rows, columns)
      } catch (error) {
        setProgress({ done, running: false, failure: { ...lines, error } })
        if (done) onImported()
        return
      }
      done += chunk.length
      setProgress({ done, running: true })
    }
    setProgress({ done, running: false })
    onImported()
  }

  const mapped = mapping.filter(Boolean).length
  const finished = progress && !progress.running
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Import CSV into ${table}`}
      size="lg"
      dismissable={!progress?.running}
      footer={
        <>
          <Button onClick={close} disabled={progress?.running}>{finished ? 'Close' : 'Cancel'}</Button>
          {!finished && (
            <Button variant="primary" onClick={() => void run()} disabled={!file || mapped === 0 || file.rows.length === 0} loading={progress?.running}>
              {file ? `Import ${plural(file.rows.length, 'row')}` : 'Import'}
            </Button>
          )}
        </>
      }
    >
      <label className="drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        <span>{file ? `${file.name}: ${plural(file.rows.length, 'row')}` : 'Drop a CSV file here, or choose one'}</span>
        <input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => void load(e.target.files?.[0])} />
      </label>
      {parseError && <p className="cell-error" role="alert">{parseError}</p>}
      {file && !progress && (
        <div className="csv-mapping">
          <p className="muted">Each CSV column goes into the table column chosen beside it. An empty unquoted cell is NULL.</p>
          <table className="table">
            <thead>
              <tr><th>CSV column</th><th>Table column</th><th>First value</th></tr>
            </thead>
            <tbody>
              {file.header.map((h, i) => (
                <tr key={i}>
                  <td className="mono">{h || <em className="muted">(no name)</em>}</td>
                  <td>
                    <select aria-label={`Column for ${h}`} value={mapping[i] ?? ''} onChange={(e) => setMapping((m) => m.map((x, j) => (j === i ? e.target.value : x)))}>
                      <option value="">— skip —</option>
                      {fields.filter((f) => !f.readOnly).map((f) => (
                        <option key={f.name} value={f.name}>{f.name} ({f.type})</option>
                      ))}
                    </select>
                  </td>
                  <td className="mono csv-sample">{file.rows[0]?.[i] ?? <span className="null">NULL</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {progress && file && (
        <>
          <progress className="progress" max={file.rows.length} value={progress.done} aria-label="Import progress" />
          <p role="status">
            {progress.running ? `Imported ${progress.done} of ${file.rows.length}…` : `Imported ${plural(progress.done, 'row')} of ${file.rows.length}.`}
          </p>
          {progress.failure && (
            <>
              <p className="cell-error">Lines {progress.failure.from}–{progress.failure.to} were not imported (the import stopped there):</p>
              <ErrorState error={progress.failure.error} compact />
            </>
          )}
        </>
      )}
    </Dialog>
  )
}
