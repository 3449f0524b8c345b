/** Formatting shared by the screens: dates, sizes, numbers, short ids. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const number = new Intl.NumberFormat()

function toDate(v: string | number | Date): Date {
  return v instanceof Date ? v : new Date(v)
}

/** "7 Dec 2026, 04:12"; '—' for null or an invalid date. */
export function formatDateTime(v: string | number | Date | null | undefined): string {
  if (v === null || v === undefined) return '—'
  const d = toDate(v)
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d)
}

/** "3 minutes ago", "in 2 days". */
export function formatRelative(v: string | number | Date | null | undefined, now = Date.now()): string {
  if (v === null || v === undefined) return '—'
  const d = toDate(v)
  if (Number.isNaN(d.getTime())) return '—'
  const s = Math.round((d.getTime() - now) / 1000)
  const units: [Intl.RelativeTimeFormatUnit, number][] = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]]
  for (const [unit, size] of units) if (Math.abs(s) >= size) return relative.format(Math.trunc(s / size), unit)
  return relative.format(s, 'second')
}

/** 1536 → "1.5 KB" (powers of 1024). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  let v = n
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : number.format(n)
}

/** "3f2a…9c1d" for long ids and keys shown in tight places. */
export function shortId(s: string, keep = 4): string {
  return s.length <= keep * 2 + 1 ? s : `${s.slice(0, keep)}…${s.slice(-keep)}`
}

/** "1 row", "3 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`
}
