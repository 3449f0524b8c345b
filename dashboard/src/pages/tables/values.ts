/**
 * A value being edited is a draft: the text an input holds, or null for SQL NULL (so NULL and ''
 * stay apart). `toDraft` turns a row's JSON value into one, `fromDraft` back into what the data
 * API is sent, or throws an Error that says what is wrong with the text.
 */
import type { Field } from './model'

export type Draft = string | null

const pad = (n: number) => String(n).padStart(2, '0')

/** An instant as `datetime-local` wants it, in the browser's zone: 2026-12-07T04:12:09. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function toDraft(f: Field, v: unknown): Draft {
  if (v === null || v === undefined) return null
  switch (f.kind) {
    case 'json':
      return JSON.stringify(v, null, 2)
    case 'array':
      return JSON.stringify(v)
    case 'timestamptz':
      return toLocalInput(String(v))
    case 'timestamp':
      return String(v).replace(' ', 'T').slice(0, 19)
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v)
  }
}

/** The JSON value to send for a draft; throws with a sentence when the text does not fit the type. */
export function fromDraft(f: Field, d: Draft): unknown {
  if (d === null) return null
  switch (f.kind) {
    case 'int': {
      const s = d.trim()
      if (!/^[-+]?\d+$/.test(s)) throw new Error('expected a whole number')
      const n = Number(s)
      return Number.isSafeInteger(n) ? n : s
    }
    case 'float': {
      const s = d.trim()
      if (s === '' || !Number.isFinite(Number(s)) && !/^(nan|[-+]?infinity)$/i.test(s)) throw new Error('expected a number')
      return String(Number(s)) === s ? Number(s) : s
    }
    case 'bool':
      if (d !== 'true' && d !== 'false') throw new Error('expected true or false')
      return d === 'true'
    case 'timestamptz': {
      if (d.trim() === '') throw new Error('expected a date and time')
      const t = new Date(d)
      if (Number.isNaN(t.getTime())) throw new Error('expected a date and time')
      return t.toISOString()
    }
    case 'timestamp': case 'date':
      if (d.trim() === '') throw new Error(`expected a ${f.kind === 'date' ? 'date' : 'date and time'}`)
      return d
    case 'json':
      try {
        return JSON.parse(d) as unknown
      } catch (err) {
        throw new Error(`not valid JSON: ${(err as Error).message}`)
      }
    case 'array':
      return parseList(d)
    case 'enum':
      if (f.values && !f.values.includes(d)) throw new Error(`expected one of ${f.values.join(', ')}`)
      return d
    default:
      return d
  }
}

/** `a, b, c` or a JSON list `["a", "b,c"]` → an array ('' is the empty array). */
export function parseList(d: string): unknown[] {
  const s = d.trim()
  if (s === '') return []
  if (s.startsWith('[')) {
    let v: unknown
    try {
      v = JSON.parse(s)
    } catch (err) {
      throw new Error(`not a valid JSON list: ${(err as Error).message}`)
    }
    if (!Array.isArray(v)) throw new Error('expected a list')
    return v
  }
  return s.split(',').map((x) => x.trim())
}

/** The hint under an input: what the server fills in when the field is left alone. */
export function defaultHint(f: Field): string | undefined {
  if (f.identity) return f.identity === 'always' ? 'generated (always)' : 'generated unless given'
  if (f.default !== null) return `default: ${f.default}`
  return undefined
}
