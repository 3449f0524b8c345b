import { z } from '@hono/zod-openapi'

export const SQL_ROLES = ['owner', 'service_role', 'authenticated', 'anon'] as const
export type SqlRole = (typeof SQL_ROLES)[number]

/** 1 MB of script; the server's BODY_LIMIT may cut it shorter. */
const MAX_QUERY = 1_000_000

export const RunSqlBody = z
  .object({
    query: z
      .string()
      .min(1)
      .max(MAX_QUERY)
      // The wire protocol ends a query at a NUL byte: Postgres would run a truncated script.
      .refine((q) => !q.includes('\u0000'), 'the query contains a NUL character')
      .openapi({ example: 'select id, title from public.todos order by id' }),
    role: z.enum(SQL_ROLES).default('owner').openapi({
      description:
        '`owner`: the server\'s own database role, with all its privileges (on a dev box that may be a superuser: ' +
        'ALTER SYSTEM, COPY ... PROGRAM and the like are then allowed). The others run as that request role, so ' +
        'row-level rules decide, as a client of the data API would see it.',
    }),
    claims: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        example: { sub: '00000000-0000-4000-8000-00000000000a', email: 'ada@example.com' },
        description: 'The JWT claims the script sees (`request.jwt.claims`, `auth.uid()`, `auth.jwt()`); `role` is set to the chosen role. `authenticated` needs a `sub`.',
      }),
    max_rows: z.number().int().min(1).max(10_000).default(1000).openapi({ description: 'Rows sent per result at most; `truncated` says when there were more' }),
    timeout_ms: z.number().int().min(100).max(120_000).default(15_000).openapi({
      description: "statement_timeout of the script's transaction (at most the server's REQUEST_TIMEOUT_MS, less a second)",
    }),
    read_only: z.boolean().default(false).openapi({ description: 'Run in a READ ONLY transaction' }),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'authenticated' && typeof body.claims?.sub !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['claims', 'sub'], message: 'role authenticated needs claims.sub (the user id auth.uid() returns)' })
    }
  })
  .openapi('RunSqlBody')
export type RunSqlBody = z.infer<typeof RunSqlBody>

const SqlColumn = z.object({
  name: z.string(),
  type: z.string().openapi({ example: 'int4', description: 'pg_type name; arrays as `int4[]`' }),
  type_oid: z.number().int(),
})

export const SqlResult = z
  .object({
    command: z.string().openapi({ example: 'SELECT', description: 'The command tag, e.g. SELECT, INSERT, CREATE TABLE' }),
    row_count: z.number().int().nullable().openapi({ description: 'Rows returned or affected in all (even past max_rows); null for commands without a count' }),
    columns: z.array(SqlColumn),
    rows: z.array(z.array(z.unknown())).openapi({
      description:
        'Each row as an array of values in column order (not objects: a result may have two columns of one name). ' +
        'int2/int4/float as numbers (NaN, Infinity as text), bool, json/jsonb parsed (a JSON number beyond double precision loses digits: cast to text to see it exactly); int8, numeric and every other type as ' +
        "Postgres' text (bytea as \\x hex, timestamps as ISO 8601 text, arrays as {…} literals).",
    }),
    truncated: z.boolean().openapi({ description: 'More rows existed than were sent (max_rows, or the response size budget)' }),
  })
  .openapi('SqlResult')
export type SqlResult = z.infer<typeof SqlResult>

export const SqlNotice = z.object({
  severity: z.string().openapi({ example: 'NOTICE' }),
  message: z.string(),
})
export type SqlNotice = z.infer<typeof SqlNotice>

export const RunSqlResponse = z
  .object({
    results: z.array(SqlResult).openapi({ description: 'One per statement that ran, in order' }),
    notices: z.array(SqlNotice).openapi({ description: 'RAISE NOTICE / WARNING and server notices, in order (the first 100)' }),
    duration_ms: z.number(),
  })
  .openapi('RunSqlResponse')
export type RunSqlResponse = z.infer<typeof RunSqlResponse>

export const SqlErrorBody = z
  .object({
    code: z.string().openapi({ example: 'SQL_ERROR' }),
    message: z.string().openapi({ example: 'syntax error at or near "selec"' }),
    details: z
      .union([z.array(z.record(z.string(), z.unknown())), z.string()])
      .nullable()
      .openapi({
        description:
          'For SQL_ERROR one object: sqlstate, severity, position (1-based character offset into the query, as Postgres gives it), ' +
          'line and column (1-based), statement (1-based number of the failing statement), detail, hint, where, internal_query, ' +
          'internal_position, schema, table, column_name, constraint. For SQL_TIMEOUT: sqlstate, timeout_ms. ' +
          'For SQL_TRANSACTION_CONTROL: statement, keyword, position, line, column. For INVALID_INPUT: the issues, as JSON text.',
      }),
    hint: z.string().nullable(),
  })
  .openapi('SqlError')
