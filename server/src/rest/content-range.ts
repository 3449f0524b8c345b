/**
 * Status and Content-Range of a read, exactly as PostgREST computes them (RangeQuery.hs):
 * `lower-upper/total`, `*` for an empty page or an unknown total; 416 when the offset is past a
 * known total, 206 when the page holds fewer rows than the known total, else 200.
 */
export function contentRange(lower: number, upper: number, total: number | null): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*'
  return `${range}/${total === null ? '*' : total}`
}

export function readStatus(offset: number, pageTotal: number, total: number | null): { status: 200 | 206 | 416; contentRange: string } {
  const upper = offset + pageTotal - 1
  let status: 200 | 206 | 416 = 200
  if (total !== null) {
    if (offset > total) status = 416
    else if (1 + upper - offset < total) status = 206
  }
  return { status, contentRange: contentRange(offset, upper, total) }
}
