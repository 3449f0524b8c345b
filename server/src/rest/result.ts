/**
 * The one row every data API statement returns (the builder's contract): Postgres has already
 * produced the body; Node only copies it into the response.
 */
export interface StatementResult {
  /** Rows in the response body (rows affected for a mutation). */
  page_total: number
  /** `Prefer: count=exact` total, else null. */
  total_count: number | null
  /** JSON text (array or, for a single-row call, object) or CSV text. */
  body: string | null
  /** `col=eq.value` per primary-key column of the one inserted row, for `Location`; else empty. */
  location?: string[] | null
  /** Rows inserted by an upsert (200 vs 201), when the builder reports it. */
  inserted?: number | null
  /** `response.headers` / `response.status` set by the SQL (functions), when reported. */
  response_headers?: string | null
  response_status?: string | null
}

export interface Statement {
  text: string
  values: unknown[]
}

/** pg returns bigint as string; counts fit in a JS number. */
export function normaliseResult(row: Record<string, unknown> | undefined): StatementResult {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return {
    page_total: num(row?.page_total) ?? 0,
    total_count: num(row?.total_count),
    body: (row?.body as string | null | undefined) ?? null,
    location: (row?.location as string[] | null | undefined) ?? null,
    inserted: num(row?.inserted),
    response_headers: (row?.response_headers as string | null | undefined) ?? null,
    response_status: (row?.response_status as string | null | undefined) ?? null,
  }
}
