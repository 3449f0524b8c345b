/**
 * The `Accept` header: parsed and ordered like wai's parseHttpAccept (by q, then specificity,
 * stable), then matched against what Floe produces for tables and functions, first match wins.
 * Nothing acceptable → PGRST107 (406) listing what was asked for, as PostgREST does.
 */
import { ApiError } from '../../errors/index.js'
import type { MediaType } from './types.js'

interface AcceptEntry {
  mime: string
  q: number
  specificity: number
}

function parseEntry(raw: string): AcceptEntry {
  const s = raw.replace(/ /g, '')
  const at = s.indexOf(';q=')
  const mime = at < 0 ? s : s.slice(0, at)
  const qText = at < 0 ? '' : s.slice(at + 3).split(';')[0] ?? ''
  const q = /^\d+(\.\d+)?/.test(qText) ? Number(/^\d+(\.\d+)?/.exec(qText)?.[0]) : 1
  const count = (c: string) => mime.split(c).length - 1
  return { mime, q, specificity: count(';') - count('*') }
}

export function parseAccept(header: string | undefined): string[] {
  if (header === undefined) return ['*/*']
  const entries = header.split(',').map(parseEntry)
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.q - a.e.q || b.e.specificity - a.e.specificity || a.i - b.i)
    .map(({ e }) => e.mime)
}

function decode(mime: string): MediaType | undefined {
  const [type = '', ...params] = mime.split(';').map((p) => p.trim())
  const nulls = params.map((p) => p.toLowerCase().split('=')).find(([k]) => k === 'nulls')?.[1]
  const stripNulls = nulls === 'stripped' || nulls === '"stripped"'
  switch (type.toLowerCase()) {
    case 'application/json':
    case '*/*':
      return { kind: 'json', stripNulls: false }
    case 'application/vnd.pgrst.array+json':
    case 'application/vnd.pgrst.array':
      return { kind: 'json', stripNulls }
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object':
      return { kind: 'object', stripNulls }
    case 'text/csv':
      return { kind: 'csv' }
    default:
      return undefined
  }
}

/** A function's own media type: the one its return domain is named after (lower case). */
export interface OwnMediaType {
  type: string
  binary: boolean
}

/**
 * The first accepted media type Floe can answer, as PostgREST's negotiateContent: the vendored
 * JSON types first, then the function's own type (a domain named any-type takes every `Accept`
 * and answers application/octet-stream), then the built-in ones. `own` only when the call keeps
 * its default select, as PostgREST's handlers for a routine apply then only.
 */
export function pickMediaType(accepted: string[], own?: OwnMediaType): MediaType | undefined {
  for (const mime of accepted) {
    const builtin = decode(mime)
    if (builtin !== undefined && mime.toLowerCase().startsWith('application/vnd.pgrst.')) return builtin
    if (own !== undefined) {
      if (own.type === '*/*') return { kind: 'raw', contentType: 'application/octet-stream', binary: own.binary }
      if (own.type === (mime.split(';')[0] ?? '').trim().toLowerCase()) return { kind: 'raw', contentType: own.type, binary: own.binary }
    }
    if (builtin !== undefined) return builtin
  }
  return undefined
}

export function notAcceptable(accepted: string[]): ApiError {
  return new ApiError('PGRST107', {
    message: `None of these media types are available: ${accepted.join(', ')}`,
    details: null,
    hint: null,
  })
}

export function negotiateMediaType(accepted: string[]): MediaType {
  const media = pickMediaType(accepted)
  if (media === undefined) throw notAcceptable(accepted)
  return media
}

/** The Content-Type a response in this media type carries. */
export function contentTypeOf(media: MediaType): string {
  if (media.kind === 'raw') return media.contentType
  if (media.kind === 'csv') return 'text/csv; charset=utf-8'
  if (media.kind === 'object') return `application/vnd.pgrst.object+json${media.stripNulls ? ';nulls=stripped' : ''}; charset=utf-8`
  return media.stripNulls ? 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8' : 'application/json; charset=utf-8'
}
