import { describe, expect, it } from 'vitest'
import { payloadFor, type ChangeRow, type TableView, type Verdict } from './payload.js'
import type { ChangeSpec } from './specs.js'

const view: TableView = { schema: 'public', table: 'todos', pk: ['id'], columns: [{ name: 'id', type: 'int4' }, { name: 'title', type: 'text' }] }
const at = new Date('2024-05-01T10:00:00.123Z')
const row = (type: ChangeRow['type'], n: Record<string, unknown> | null, o: Record<string, unknown> | null): ChangeRow => ({
  position: '7', tableOid: 1, type, newRow: n, oldRow: o, capturedAt: at,
})
const all: ChangeSpec = { event: '*', schema: 'public', table: 'todos', filter: undefined }
const sub = (specs: ChangeSpec[] = [all], units = specs.map(() => 0)) => ({ specs, ids: specs.map((_, i) => 10 + i), units })
const v = (p: Partial<Verdict>): Verdict => ({ newOk: false, oldOk: false, newUnits: [], oldUnits: [], ...p })

describe('payloadFor', () => {
  it('an insert: the selectable columns of the new row', () => {
    const p = payloadFor(row('INSERT', { id: 1, title: 'a', secret: 's' }, null), view, v({ newOk: true, newUnits: [0] }), sub())
    expect(p).toEqual({
      ids: [10],
      data: { schema: 'public', table: 'todos', commit_timestamp: '2024-05-01T10:00:00.123Z', type: 'INSERT', columns: view.columns, record: { id: 1, title: 'a' }, errors: null, position: '7' },
    })
  })

  it('an update into sight: the new row, the old one as {}', () => {
    const p = payloadFor(row('UPDATE', { id: 1, title: 'b' }, { id: 1, title: 'a' }), view, v({ newOk: true, newUnits: [0] }), sub())
    expect(p?.data.record).toEqual({ id: 1, title: 'b' })
    expect(p?.data.old_record).toEqual({})
  })

  it('an update out of sight, and a delete: the old key only', () => {
    const out = payloadFor(row('UPDATE', { id: 1, title: 'b' }, { id: 1, title: 'a' }), view, v({ oldOk: true, oldUnits: [0] }), sub())
    expect(out?.data).toMatchObject({ type: 'UPDATE', old_record: { id: 1 } })
    expect(out?.data.record).toBeUndefined()
    const del = payloadFor(row('DELETE', null, { id: 1, title: 'a' }), view, v({ oldOk: true, oldUnits: [0] }), sub())
    expect(del?.data).toMatchObject({ type: 'DELETE', old_record: { id: 1 } })
  })

  it('nothing when hidden, when the event is not asked for, or when still visible but filtered out', () => {
    expect(payloadFor(row('DELETE', null, { id: 1 }), view, v({}), sub())).toBeUndefined()
    expect(payloadFor(row('INSERT', { id: 1 }, null), view, v({ newOk: true, newUnits: [0] }), sub([{ ...all, event: 'DELETE' }]))).toBeUndefined()
    expect(payloadFor(row('UPDATE', { id: 1 }, { id: 1 }), view, v({ newOk: true, oldOk: true, oldUnits: [0] }), sub())).toBeUndefined()
  })

  it('names every matching spec, and no spec of another table', () => {
    const specs = [all, { ...all, event: 'INSERT' as const }, { ...all, table: 'other' }]
    const p = payloadFor(row('INSERT', { id: 1 }, null), view, v({ newOk: true, newUnits: [0, 1] }), sub(specs, [0, 1, -1]))
    expect(p?.ids).toEqual([10, 11])
  })
})
