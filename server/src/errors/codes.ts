import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * The registry of platform error codes. Codes are never renamed or reused; module codes carry
 * their module's prefix. The data API answers PostgREST's codes instead (POSTGREST_CODES below)
 * and raw SQLSTATEs (to-api-error.ts), because its clients branch on them.
 */
export const ERROR_CODES = {
  INVALID_INPUT: { status: 400, message: 'The request is invalid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, message: 'Missing or invalid credentials' },
  API_KEY_MISSING: { status: 401, message: 'No API key found in request' },
  API_KEY_INVALID: { status: 401, message: 'Invalid API key' },
  JWT_INVALID: { status: 401, message: 'Invalid JWT' },
  JWT_EXPIRED: { status: 401, message: 'JWT expired' },
  JWT_ROLE_NOT_ALLOWED: { status: 401, message: 'The JWT role is not allowed' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request line and headers are too large' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP' },
  // Admin API: row-level rules (/admin/v1, issue 5)
  RULES_TABLE_NOT_FOUND: { status: 404, message: 'No such table in an exposed schema' },
  RULES_RULE_NOT_FOUND: { status: 404, message: 'No such rule on this table' },
  RULES_RULE_EXISTS: { status: 409, message: 'A rule with this name already exists on this table' },
  RULES_INVALID_EXPRESSION: { status: 400, message: 'Postgres rejected the rule' },
  RULES_INVALID_ROLE: { status: 400, message: 'A rule names a role this instance does not serve' },
  RULES_ROW_AMBIGUOUS: { status: 400, message: 'The explained row filter matches more than one row' },
  // Admin API: the schema editor (/admin/v1 tables, columns, keys, indexes, enums; issue 18)
  SCHEMA_NOT_ALLOWED: { status: 400, message: 'Only the exposed schemas can be changed, never a platform schema' },
  SCHEMA_UNKNOWN_TYPE: { status: 400, message: 'No such type' },
  SCHEMA_INVALID_EXPRESSION: { status: 400, message: 'Postgres rejected an expression' },
  SCHEMA_REJECTED: { status: 400, message: 'Postgres rejected the change' },
  SCHEMA_TABLE_NOT_FOUND: { status: 404, message: 'No such table in an exposed schema' },
  SCHEMA_COLUMN_NOT_FOUND: { status: 404, message: 'No such column' },
  SCHEMA_CONSTRAINT_NOT_FOUND: { status: 404, message: 'No such constraint' },
  SCHEMA_INDEX_NOT_FOUND: { status: 404, message: 'No such index' },
  SCHEMA_TYPE_NOT_FOUND: { status: 404, message: 'No such enum type' },
  SCHEMA_EXISTS: { status: 409, message: 'An object with this name already exists' },
  SCHEMA_CONFLICT: { status: 409, message: 'The change conflicts with the data or with objects that depend on it' },
  // Admin API: users and the first admin (/admin/v1/users, /admin/v1/setup, issue 18)
  USERS_USER_NOT_FOUND: { status: 404, message: 'No such user' },
  USERS_SESSION_NOT_FOUND: { status: 404, message: 'No such session of this user' },
  USERS_EMAIL_TAKEN: { status: 409, message: 'A user with this email already exists' },
  USERS_CANNOT_TARGET_SELF: { status: 400, message: 'An admin cannot ban or delete their own account' },
  USERS_LAST_ADMIN: { status: 409, message: 'This would leave the instance without an admin' },
  USERS_SETUP_TOKEN_MISSING: { status: 401, message: 'The setup token is missing' },
  USERS_SETUP_TOKEN_INVALID: { status: 403, message: 'The setup token is invalid' },
  USERS_SETUP_DONE: { status: 409, message: 'An admin already exists: setup is done' },
  // Admin API: the SQL runner (POST /admin/v1/sql, issue 18). Always 400: the script is the admin's
  // input. A timeout is not 408, which some clients retry on their own (the script would run twice).
  SQL_ERROR: { status: 400, message: 'Postgres rejected the script; nothing it did was kept' },
  SQL_TIMEOUT: { status: 400, message: 'The script ran past its timeout and was cancelled' },
  SQL_TRANSACTION_CONTROL: { status: 400, message: 'The script runs in one transaction of its own: BEGIN, COMMIT, ROLLBACK and savepoints are not accepted' },
  INTERNAL: { status: 500, message: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unreachable; retry shortly' },
  TIMEOUT: { status: 504, message: 'The request took too long' },
  STORAGE_BUCKET_NOT_FOUND: { status: 404, message: 'Bucket not found' },
  STORAGE_BUCKET_EXISTS: { status: 409, message: 'A bucket with this name already exists' },
  STORAGE_BUCKET_NOT_EMPTY: { status: 409, message: 'The bucket is not empty' },
  STORAGE_OBJECT_NOT_FOUND: { status: 404, message: 'Object not found' },
  STORAGE_OBJECT_EXISTS: { status: 409, message: 'An object with this name already exists' },
  STORAGE_OBJECT_TOO_LARGE: { status: 413, message: 'The object is larger than allowed' },
  STORAGE_MIME_TYPE_NOT_ALLOWED: { status: 415, message: 'This type of file is not allowed in the bucket' },
  STORAGE_RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested range is not satisfiable' },
  STORAGE_SIGNATURE_INVALID: { status: 403, message: 'The signed URL is invalid' },
  STORAGE_SIGNATURE_EXPIRED: { status: 403, message: 'The signed URL has expired' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'The object store is unreachable; retry shortly' },
  STORAGE_UPLOAD_ABORTED: { status: 400, message: 'The upload ended before all bytes arrived' },
  // Jobs (/jobs/v1, issue 7)
  JOBS_UNAVAILABLE: { status: 503, message: 'Jobs are off: no reachable Redis' },
  JOBS_QUEUE_NOT_FOUND: { status: 404, message: 'Queue not found' },
  JOBS_JOB_NOT_FOUND: { status: 404, message: 'Job not found' },
  JOBS_ENQUEUE_FORBIDDEN: { status: 403, message: 'This role may not enqueue to this queue' },
  JOBS_PAYLOAD_TOO_LARGE: { status: 413, message: 'The job payload is too large' },
  JOBS_JOB_NOT_RETRYABLE: { status: 409, message: 'Only a failed job can be retried' },
  JOBS_SCHEDULE_NOT_FOUND: { status: 404, message: 'Schedule not found' },
  JOBS_SCHEDULE_INVALID: { status: 400, message: 'The schedule is invalid' },
  JOBS_WEBHOOK_NOT_FOUND: { status: 404, message: 'Database webhook not found' },
  JOBS_WEBHOOK_EXISTS: { status: 409, message: 'A database webhook with this name already exists' },
  JOBS_TABLE_NOT_FOUND: { status: 404, message: 'No such table' },
  // Auth (/auth/v1): the few codes Floe adds around better-auth, whose own codes pass through.
  AUTH_REFRESH_TOKEN_INVALID: { status: 401, message: 'Invalid or expired refresh token' },
  AUTH_UNSUPPORTED_GRANT_TYPE: { status: 400, message: 'Unsupported grant_type' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/**
 * PostgREST's codes, with the statuses the data API answers them with (PostgREST's Error.hs).
 * No default message: each is raised with PostgREST's own wording for the case at hand.
 */
export const POSTGREST_CODES = {
  // PGRST1xx: the request
  PGRST100: { status: 400 }, // query string parameter failed to parse (and Floe's complexity limits)
  PGRST101: { status: 405 }, // method not allowed on RPC
  PGRST102: { status: 400 }, // invalid request body
  PGRST103: { status: 416 }, // range not satisfiable
  PGRST105: { status: 405 }, // PUT not filtered by exactly the primary key
  PGRST106: { status: 406 }, // schema not exposed
  PGRST107: { status: 406 }, // no acceptable media type
  PGRST108: { status: 400 }, // filter or order on a resource not embedded
  PGRST109: { status: 400 }, // limit on PATCH/DELETE without order
  PGRST111: { status: 500 }, // response.headers set by SQL is not a list of one-header objects
  PGRST112: { status: 500 }, // response.status set by SQL is not a status code
  PGRST114: { status: 400 }, // limit/offset on PUT
  PGRST115: { status: 400 }, // PUT body does not match the URL's primary key
  PGRST116: { status: 406 }, // singular response of other than one row
  PGRST117: { status: 405 }, // unsupported HTTP method
  PGRST118: { status: 400 }, // related order not to-one
  PGRST119: { status: 400 }, // spread not to-one
  PGRST121: { status: 500 }, // RAISE SQLSTATE 'PGRST' whose MESSAGE or DETAIL is not the JSON expected
  PGRST122: { status: 400 }, // invalid preferences with handling=strict
  PGRST123: { status: 400 }, // aggregates not allowed
  PGRST124: { status: 400 }, // max-affected exceeded
  PGRST125: { status: 404 }, // a path under /rest/v1 that is neither <table> nor rpc/<function>
  // PGRST2xx: the schema cache
  PGRST200: { status: 400 }, // no relationship
  PGRST201: { status: 300 }, // ambiguous relationship
  PGRST202: { status: 404 }, // function not found
  PGRST203: { status: 300 }, // ambiguous function overload
  PGRST204: { status: 400 }, // column not found
  PGRST205: { status: 404 }, // table not found
} as const satisfies Record<`PGRST${number}`, { status: ContentfulStatusCode }>

export type PostgrestCode = keyof typeof POSTGREST_CODES
