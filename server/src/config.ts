/**
 * Every setting Floe reads, parsed once from the environment. This is the only file that reads
 * process.env (through `loadConfig(env)`, called by the entry points); everything else is handed
 * the frozen `Config`. `CONFIG_VARIABLES` is the single source of the README's configuration table
 * (checked by `scripts/check-config-table.mjs`).
 */
import path from 'node:path'
import { z } from 'zod'

const port = z.coerce
  .number({ error: 'expected a port number (1-65535)' })
  .int('expected a port number (1-65535)')
  .min(1, 'expected a port number (1-65535)')
  .max(65535, 'expected a port number (1-65535)')

const positiveInt = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).int(`expected ${what}`).positive(`expected ${what}`)

const nonNegativeInt = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).int(`expected ${what}`).min(0, `expected ${what}`)

const urlWithProtocols = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        const u = new URL(value)
        return protocols.includes(u.protocol) && u.hostname.length > 0
      } catch {
        return false
      }
    },
    { message: `expected a URL like ${example}` },
  )

const secret = (minLength: number) =>
  z.string().min(minLength, `expected at least ${minLength} characters`)

/** Comma-separated secrets, each at least 32 characters. */
const secretList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(32, 'expected comma-separated secrets of at least 32 characters each')))

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

/** Sizes like `1mb`, `512kb`, `1048576`. */
const byteSize = z.string().transform((value, ctx) => {
  const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(value.trim())
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a size like 1048576, 512kb or 1mb' })
    return z.NEVER
  }
  const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }
  return Number(m[1]) * (units[(m[2] ?? 'b').toLowerCase()] ?? 1)
})

const identifierList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected comma-separated lower-case identifiers'))
      .min(1, 'expected at least one name'),
  )

/** The variables, their parsers and their documentation, in the order the README lists them. */
export const CONFIG_VARIABLES = {
  PORT: { schema: port.default(54321), doc: 'HTTP port the server listens on.', default: '54321' },
  HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    doc: 'Interface to bind. `0.0.0.0` to accept connections from other hosts (the Docker image sets it).',
    default: '127.0.0.1',
  },
  PUBLIC_URL: {
    schema: urlWithProtocols(['http:', 'https:'], 'https://api.example.com').optional(),
    doc: 'The URL clients use to reach Floe (links, docs, emails).',
    default: 'http://localhost:$PORT',
  },
  DATABASE_URL: {
    schema: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/db').optional(),
    doc: 'PostgreSQL to use. Unset: an embedded PostgreSQL with its data in `FLOE_DATA_DIR`.',
    default: '(embedded)',
  },
  DATABASE_POOL_MAX: {
    schema: positiveInt('a positive integer').default(10),
    doc: 'Maximum connections in the server\'s pool.',
    default: '10',
  },
  FLOE_DATA_DIR: {
    schema: z.string().min(1).default('.floe'),
    doc: 'Folder for local state (embedded PostgreSQL, local files), relative to the working directory.',
    default: '.floe',
  },
  FLOE_DB_PORT: {
    schema: port.optional(),
    doc: 'Port of the embedded PostgreSQL (loopback only). Unset: a free port chosen at the first start and kept in `FLOE_DATA_DIR/embedded-postgres.json`.',
    default: '(chosen once)',
  },
  FLOE_MIGRATIONS_DIR: {
    schema: z.string().min(1).default('floe/migrations'),
    doc: 'Folder of your app\'s SQL migrations (`<YYYYMMDDHHMMSS>_<name>.sql`), applied after Floe\'s own by `floe migrate` and at boot.',
    default: 'floe/migrations',
  },
  FLOE_DB_SCHEMAS: {
    schema: identifierList.default(['public']),
    doc: 'Comma-separated schemas exposed through the data API.',
    default: 'public',
  },
  REDIS_URL: {
    schema: urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional(),
    doc: 'Redis for shared rate limits, jobs and realtime fan-out. Unset: in-process rate limits, jobs off.',
    default: '(none)',
  },
  REDIS_PREFIX: {
    schema: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'expected 1-64 letters, digits, ":", "_" or "-"').default('floe:'),
    doc: 'Prefix of every Redis key Floe writes, so several instances can share one Redis.',
    default: 'floe:',
  },
  FLOE_JWT_SECRET: {
    schema: secret(32).optional(),
    doc: 'HS256 secret for access tokens. Unset: generated on first run and kept in the database.',
    default: '(generated)',
  },
  FLOE_ANON_KEY: {
    schema: secret(32).optional(),
    doc: 'The public anon API key. Unset: generated on first run and kept (encrypted) in the database.',
    default: '(generated)',
  },
  FLOE_SERVICE_KEY: {
    schema: secret(32).optional(),
    doc: 'The secret service API key (bypasses row-level rules). Unset: generated on first run.',
    default: '(generated)',
  },
  // The first admin (issue 18): without these, the start log prints a one-time setup link instead.
  FLOE_ADMIN_EMAIL: {
    schema: z.string().trim().toLowerCase().pipe(z.email('expected an email address').max(254)).optional(),
    doc: 'With `FLOE_ADMIN_PASSWORD`: an admin account created at boot if absent (an existing account with this email is made admin, its password unchanged). Unset: the start log prints a one-time setup link while no admin exists.',
    default: '(none)',
  },
  FLOE_ADMIN_PASSWORD: {
    schema: z.string().min(8, 'expected at least 8 characters').max(128, 'expected at most 128 characters').optional(),
    doc: 'Password of the `FLOE_ADMIN_EMAIL` admin when it is created (8 to 128 characters, as for sign-up).',
    default: '(none)',
  },
  CORS_ORIGINS: {
    schema: z.string().default('*').transform((v) => (v.trim() === '*' ? '*' : v.split(',').map((s) => s.trim()).filter(Boolean))),
    doc: 'Comma-separated allowed browser origins, or `*`.',
    default: '*',
  },
  BODY_LIMIT: {
    schema: byteSize.default(1024 * 1024),
    doc: 'Largest accepted request body (data API and platform routes).',
    default: '1mb',
  },
  REQUEST_TIMEOUT_MS: {
    schema: positiveInt('a duration in milliseconds').default(30_000),
    doc: 'A request (and its SQL, via statement_timeout) is cut off after this long.',
    default: '30000',
  },
  RATE_LIMIT_WINDOW_MS: {
    schema: positiveInt('a duration in milliseconds').default(60_000),
    doc: 'Rate-limit window.',
    default: '60000',
  },
  RATE_LIMIT_PER_IP: {
    schema: nonNegativeInt('a non-negative integer').default(1000),
    doc: 'Requests per window per client IP (0 turns the limit off).',
    default: '1000',
  },
  RATE_LIMIT_PER_USER: {
    schema: nonNegativeInt('a non-negative integer').default(1000),
    doc: 'Requests per window per signed-in user (JWT `sub`; 0 turns it off).',
    default: '1000',
  },
  TRUST_PROXY: {
    schema: bool.default(false),
    doc: 'Take the client IP from `X-Forwarded-For` (only behind a proxy you control).',
    default: 'false',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: positiveInt('a duration in milliseconds').default(10_000),
    doc: 'How long shutdown waits for in-flight requests before closing connections.',
    default: '10000',
  },
  REST_MAX_ROWS: {
    schema: positiveInt('a positive integer').default(1000),
    doc: 'Most rows one data API read returns (PostgREST `db-max-rows`); larger pages are cut to it.',
    default: '1000',
  },
  REST_MAX_EMBED_DEPTH: {
    schema: positiveInt('a positive integer').default(8),
    doc: 'Deepest nesting of embedded resources in one data API request (deeper: 400).',
    default: '8',
  },
  REST_MAX_FILTERS: {
    schema: positiveInt('a positive integer').default(100),
    doc: 'Most filters (incl. inside or/and) in one data API request (more: 400).',
    default: '100',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'Log level: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
  },
  METRICS_TOKEN: {
    schema: secret(32).optional(),
    doc: 'A bearer token (at least 32 characters) that may read `GET /metrics` besides the service key, so a Prometheus scraper needs no key that bypasses the rules.',
    default: '(none)',
  },
  // Auth (issue 5): accounts, access tokens, emails and abuse limits.
  FLOE_JWT_PREVIOUS_SECRETS: {
    schema: secretList.optional(),
    doc: 'Comma-separated former JWT secrets still accepted (not used to sign), so a new `FLOE_JWT_SECRET` logs nobody out.',
    default: '(none)',
  },
  AUTH_SECRET: {
    schema: secret(32).optional(),
    doc: 'Secret better-auth signs cookies and encrypts TOTP secrets with. Unset: generated on first run and kept in the database.',
    default: '(generated)',
  },
  AUTH_SIGNUP_ENABLED: {
    schema: bool.default(true),
    doc: 'Whether anyone may sign up (false: only admins create users).',
    default: 'true',
  },
  AUTH_REQUIRE_EMAIL_VERIFICATION: {
    schema: bool.default(true),
    doc: 'Whether an email + password user must verify the address before signing in.',
    default: 'true',
  },
  AUTH_ANONYMOUS_ENABLED: {
    schema: bool.default(false),
    doc: 'Allow anonymous sign-in (a user without email, upgradable to a full account).',
    default: 'false',
  },
  AUTH_ACCESS_TOKEN_TTL_S: {
    schema: positiveInt('a duration in seconds').default(3600),
    doc: 'Lifetime of an access token (JWT) in seconds; a ban takes effect at the next refresh.',
    default: '3600',
  },
  AUTH_SESSION_TTL_S: {
    schema: positiveInt('a duration in seconds').default(604_800),
    doc: 'Lifetime of a session (the refresh token) in seconds, extended while it is used.',
    default: '604800',
  },
  AUTH_REFRESH_TOKEN_REUSE_INTERVAL_S: {
    schema: nonNegativeInt('a duration in seconds').default(10),
    doc: 'A refresh token is replaced at each refresh; the replaced one still answers (with the same new token) for this many seconds, for concurrent refreshes. Presented later, it ends the session.',
    default: '10',
  },
  AUTH_TRUSTED_ORIGINS: {
    schema: z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
    doc: 'Comma-separated origins auth may redirect to after an email link or OAuth (besides `PUBLIC_URL`).',
    default: '(none)',
  },
  AUTH_RATE_LIMIT_WINDOW_MS: {
    schema: positiveInt('a duration in milliseconds').default(900_000),
    doc: 'Window of the sign-in, sign-up, reset and magic-link limits.',
    default: '900000',
  },
  AUTH_RATE_LIMIT_PER_IP: {
    schema: nonNegativeInt('a non-negative integer').default(60),
    doc: 'Sign-in, sign-up, reset and magic-link requests per window per client IP (0: off).',
    default: '60',
  },
  AUTH_RATE_LIMIT_PER_EMAIL: {
    schema: nonNegativeInt('a non-negative integer').default(10),
    doc: 'The same requests per window per email address (0: off).',
    default: '10',
  },
  AUTH_GITHUB_CLIENT_ID: { schema: z.string().min(1).optional(), doc: 'GitHub OAuth app client id (with the secret: enables GitHub sign-in).', default: '(none)' },
  AUTH_GITHUB_CLIENT_SECRET: { schema: z.string().min(1).optional(), doc: 'GitHub OAuth app client secret.', default: '(none)' },
  AUTH_GOOGLE_CLIENT_ID: { schema: z.string().min(1).optional(), doc: 'Google OAuth client id (with the secret: enables Google sign-in).', default: '(none)' },
  AUTH_GOOGLE_CLIENT_SECRET: { schema: z.string().min(1).optional(), doc: 'Google OAuth client secret.', default: '(none)' },
  SMTP_URL: {
    schema: urlWithProtocols(['smtp:', 'smtps:'], 'smtps://user:pass@smtp.example.com:465').optional(),
    doc: 'SMTP server for auth emails (or use the SMTP_HOST... variables). Unset: emails are kept in `auth.outbox`.',
    default: '(none)',
  },
  SMTP_HOST: { schema: z.string().min(1).optional(), doc: 'SMTP host (when `SMTP_URL` is not used).', default: '(none)' },
  SMTP_PORT: { schema: port.default(587), doc: 'SMTP port (465 uses TLS from the start).', default: '587' },
  SMTP_USER: { schema: z.string().min(1).optional(), doc: 'SMTP user name.', default: '(none)' },
  SMTP_PASS: { schema: z.string().min(1).optional(), doc: 'SMTP password.', default: '(none)' },
  SMTP_FROM: {
    schema: z.string().min(3).default('Floe <no-reply@localhost>'),
    doc: 'Sender of auth emails.',
    default: 'Floe <no-reply@localhost>',
  },
  S3_ENDPOINT: {
    schema: urlWithProtocols(['http:', 'https:'], 'https://s3.example.com or http://minio:9000').optional(),
    doc: 'S3-compatible endpoint for object bytes (scheme gives TLS, port from the URL). Unset: objects are kept under `FLOE_DATA_DIR/storage`.',
    default: '(none)',
  },
  S3_ACCESS_KEY: { schema: z.string().min(1).optional(), doc: 'S3 access key (required with `S3_ENDPOINT`).', default: '(none)' },
  S3_SECRET_KEY: { schema: z.string().min(1).optional(), doc: 'S3 secret key (required with `S3_ENDPOINT`).', default: '(none)' },
  S3_BUCKET: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 of a-z 0-9 . -)').default('floe'),
    doc: 'The one S3 bucket holding every Floe bucket\'s objects (created at boot if missing).',
    default: 'floe',
  },
  S3_REGION: { schema: z.string().min(1).default('us-east-1'), doc: 'S3 region.', default: 'us-east-1' },
  S3_KEY_PREFIX: {
    schema: z.string().regex(/^[A-Za-z0-9!_.*'()/-]*$/, 'expected S3 key characters').default(''),
    doc: 'Prefix of every object key Floe writes in `S3_BUCKET` (several instances can share a bucket).',
    default: '(none)',
  },
  STORAGE_MAX_UPLOAD_SIZE: {
    schema: byteSize.default(50 * 1024 ** 2),
    doc: 'Largest object an upload may store, whatever the bucket allows (e.g. `50mb`, `5gb`).',
    default: '50mb',
  },
  STORAGE_IMAGE_MAX_DIMENSION: {
    schema: positiveInt('a number of pixels').default(2500),
    doc: 'Largest width or height an image transform (`/storage/v1/render/image/...`) may ask for.',
    default: '2500',
  },
  STORAGE_IMAGE_MAX_INPUT_SIZE: {
    schema: byteSize.default(25 * 1024 ** 2),
    doc: 'Largest stored image an image transform will read (bigger ones answer 413).',
    default: '25mb',
  },
  // Jobs (issue 7): BullMQ queues, workers, the outbox relay and handlers.
  FLOE_WORKERS: {
    schema: bool.default(true),
    doc: 'Run job workers and the outbox relay in the server process (`floe worker` runs only them).',
    default: 'true',
  },
  FLOE_FUNCTIONS_DIR: {
    schema: z.string().min(1).optional(),
    doc: 'Folder of user job handlers, one module per handler (file name = handler name) exporting `defineHandler(...)`.',
    default: '(none)',
  },
  JOBS_MAX_PAYLOAD: {
    schema: byteSize.default(64 * 1024),
    doc: 'Largest job payload (JSON) accepted by `POST /jobs/v1/:queue`.',
    default: '64kb',
  },
  JOBS_RETENTION_S: {
    schema: positiveInt('a duration in seconds').default(86_400),
    doc: 'How long completed jobs (and so idempotency keys) are kept; failed jobs are kept 7 times longer.',
    default: '86400',
  },
  JOBS_RELAY_BATCH: {
    schema: positiveInt('a positive integer').default(1000),
    doc: 'Outbox rows the relay moves to Redis per batch.',
    default: '1000',
  },
  JOBS_RELAY_SWEEP_MS: {
    schema: positiveInt('a duration in milliseconds').default(1000),
    doc: 'The relay looks for unsent outbox rows this often even without a notification.',
    default: '1000',
  },
  JOBS_WEBHOOK_TIMEOUT_MS: {
    schema: positiveInt('a duration in milliseconds').default(10_000),
    doc: 'A webhook delivery that takes longer fails (and is retried).',
    default: '10000',
  },
  // Realtime (issue 16): the Supabase Realtime protocol at /realtime/v1; limits are per socket.
  REALTIME_RETENTION_S: {
    schema: positiveInt('a duration in seconds').default(3600),
    doc: 'How long captured changes are kept, so a client that rejoins with its last position (`config.floe.since`) gets what it missed.',
    default: '3600',
  },
  REALTIME_MAX_CHANNELS_PER_SOCKET: {
    schema: positiveInt('a positive integer').default(100),
    doc: 'Channels one WebSocket may have joined at once (more: the join is refused).',
    default: '100',
  },
  REALTIME_MAX_JOINS_PER_SECOND: {
    schema: positiveInt('a positive integer').default(100),
    doc: 'Joins per second on one WebSocket (more: refused and the socket is closed).',
    default: '100',
  },
  REALTIME_MAX_MESSAGES_PER_SECOND: {
    schema: positiveInt('a positive integer').default(100),
    doc: 'Messages per second a client may send on one WebSocket (more: the socket is closed).',
    default: '100',
  },
  REALTIME_MAX_MESSAGE_SIZE: {
    schema: byteSize.default(1024 * 1024),
    doc: 'Largest WebSocket message a client may send (larger: the socket is closed with 1009).',
    default: '1mb',
  },
  REALTIME_MAX_BUFFERED: {
    schema: byteSize.default(8 * 1024 ** 2),
    doc: 'Unsent bytes a WebSocket may hold for a slow client before it is disconnected.',
    default: '8mb',
  },
  REALTIME_HEARTBEAT_TIMEOUT_S: {
    schema: positiveInt('a duration in seconds').default(60),
    doc: 'A WebSocket that sends nothing (no heartbeat, no pong) for this long is closed.',
    default: '60',
  },
} as const

type Vars = typeof CONFIG_VARIABLES
type Parsed = { [K in keyof Vars]: z.output<Vars[K]['schema']> }

export interface Config {
  port: number
  host: string
  publicUrl: string
  databaseUrl: string | undefined
  databasePoolMax: number
  dataDir: string
  /** FLOE_DB_PORT: the embedded PostgreSQL's port; undefined: the one stored in the data folder. */
  dbPort: number | undefined
  /** FLOE_MIGRATIONS_DIR, absolute: the app's own migrations. */
  migrationsDir: string
  dbSchemas: string[]
  redisUrl: string | undefined
  redisPrefix: string
  jwtSecret: string | undefined
  anonKey: string | undefined
  serviceKey: string | undefined
  /** FLOE_ADMIN_EMAIL / FLOE_ADMIN_PASSWORD: the admin ensured at boot. */
  admin: { email: string; password: string } | undefined
  corsOrigins: '*' | string[]
  bodyLimit: number
  requestTimeoutMs: number
  rateLimit: { windowMs: number; perIp: number; perUser: number }
  trustProxy: boolean
  shutdownTimeoutMs: number
  rest: { maxRows: number; maxEmbedDepth: number; maxFilters: number }
  logLevel: Parsed['LOG_LEVEL']
  /** METRICS_TOKEN: who may scrape /metrics besides the service key. */
  metricsToken: string | undefined
  jwtPreviousSecrets: string[]
  auth: AuthConfig
  jobs: JobsConfig
  storage: StorageConfig
  realtime: RealtimeConfig
}

export interface RealtimeConfig {
  retentionS: number
  maxChannelsPerSocket: number
  maxJoinsPerSecond: number
  maxMessagesPerSecond: number
  maxMessageBytes: number
  maxBufferedBytes: number
  heartbeatTimeoutS: number
}

export interface StorageConfig {
  /** Undefined: the zero-config filesystem store under `<dataDir>/storage`. */
  s3: { endPoint: string; port: number | undefined; useSSL: boolean; accessKey: string; secretKey: string; region: string } | undefined
  bucket: string
  keyPrefix: string
  maxUploadSize: number
  image: { maxDimension: number; maxInputSize: number }
}

export interface JobsConfig {
  workers: boolean
  functionsDir: string | undefined
  maxPayloadBytes: number
  retentionS: number
  relayBatch: number
  relaySweepMs: number
  webhookTimeoutMs: number
}

export interface AuthConfig {
  secret: string | undefined
  signupEnabled: boolean
  requireEmailVerification: boolean
  anonymousEnabled: boolean
  accessTokenTtlS: number
  sessionTtlS: number
  refreshTokenReuseIntervalS: number
  trustedOrigins: string[]
  rateLimit: { windowMs: number; perIp: number; perEmail: number }
  oauth: { github?: OAuthClient; google?: OAuthClient }
  /** Undefined: no SMTP settings, emails go to the dev outbox. */
  smtp: SmtpConfig | undefined
  mailFrom: string
}

export interface OAuthClient {
  clientId: string
  clientSecret: string
}

export type SmtpConfig = { url: string } | { host: string; port: number; user: string | undefined; pass: string | undefined }

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** The process's own environment, parsed: what the `floe` command runs with. */
export function loadProcessConfig(): Readonly<Config> {
  return loadConfig(process.env)
}

/** Parses the environment; throws ConfigError listing every bad variable, one line each. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Readonly<Config> {
  const problems: string[] = []
  const out: Partial<Parsed> = {}
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES)) {
    const raw = env[name]
    const value = raw === undefined || raw === '' ? undefined : raw
    const result = (spec.schema as z.ZodType).safeParse(value)
    if (result.success) {
      ;(out as Record<string, unknown>)[name] = result.data
    } else {
      const message = result.error.issues[0]?.message ?? 'invalid value'
      // Never echo a secret's value back, even a malformed one.
      const shown = /SECRET|KEY|TOKEN|PASSWORD|PASS$|DATABASE_URL|REDIS_URL|SMTP_URL/.test(name) ? '' : ` (got ${JSON.stringify(raw)})`
      problems.push(`${name}: ${message}${shown}`)
    }
  }
  if (env.S3_ENDPOINT && (!env.S3_ACCESS_KEY || !env.S3_SECRET_KEY)) problems.push('S3_ACCESS_KEY: required with S3_ENDPOINT (and S3_SECRET_KEY)')
  if (!env.FLOE_ADMIN_EMAIL !== !env.FLOE_ADMIN_PASSWORD) {
    problems.push(env.FLOE_ADMIN_EMAIL ? 'FLOE_ADMIN_PASSWORD: required with FLOE_ADMIN_EMAIL' : 'FLOE_ADMIN_EMAIL: required with FLOE_ADMIN_PASSWORD')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const p = out as Parsed
  return Object.freeze({
    port: p.PORT,
    host: p.HOST,
    publicUrl: (p.PUBLIC_URL ?? `http://localhost:${p.PORT}`).replace(/\/+$/, ''),
    databaseUrl: p.DATABASE_URL,
    databasePoolMax: p.DATABASE_POOL_MAX,
    dataDir: path.resolve(cwd, p.FLOE_DATA_DIR),
    dbPort: p.FLOE_DB_PORT,
    migrationsDir: path.resolve(cwd, p.FLOE_MIGRATIONS_DIR),
    dbSchemas: p.FLOE_DB_SCHEMAS,
    redisUrl: p.REDIS_URL,
    redisPrefix: p.REDIS_PREFIX,
    jwtSecret: p.FLOE_JWT_SECRET,
    anonKey: p.FLOE_ANON_KEY,
    serviceKey: p.FLOE_SERVICE_KEY,
    admin: p.FLOE_ADMIN_EMAIL && p.FLOE_ADMIN_PASSWORD ? { email: p.FLOE_ADMIN_EMAIL, password: p.FLOE_ADMIN_PASSWORD } : undefined,
    corsOrigins: p.CORS_ORIGINS,
    bodyLimit: p.BODY_LIMIT,
    requestTimeoutMs: p.REQUEST_TIMEOUT_MS,
    rateLimit: { windowMs: p.RATE_LIMIT_WINDOW_MS, perIp: p.RATE_LIMIT_PER_IP, perUser: p.RATE_LIMIT_PER_USER },
    trustProxy: p.TRUST_PROXY,
    shutdownTimeoutMs: p.SHUTDOWN_TIMEOUT_MS,
    rest: { maxRows: p.REST_MAX_ROWS, maxEmbedDepth: p.REST_MAX_EMBED_DEPTH, maxFilters: p.REST_MAX_FILTERS },
    logLevel: p.LOG_LEVEL,
    metricsToken: p.METRICS_TOKEN,
    jwtPreviousSecrets: p.FLOE_JWT_PREVIOUS_SECRETS ?? [],
    auth: {
      secret: p.AUTH_SECRET,
      signupEnabled: p.AUTH_SIGNUP_ENABLED,
      requireEmailVerification: p.AUTH_REQUIRE_EMAIL_VERIFICATION,
      anonymousEnabled: p.AUTH_ANONYMOUS_ENABLED,
      accessTokenTtlS: p.AUTH_ACCESS_TOKEN_TTL_S,
      sessionTtlS: p.AUTH_SESSION_TTL_S,
      refreshTokenReuseIntervalS: p.AUTH_REFRESH_TOKEN_REUSE_INTERVAL_S,
      trustedOrigins: p.AUTH_TRUSTED_ORIGINS,
      rateLimit: { windowMs: p.AUTH_RATE_LIMIT_WINDOW_MS, perIp: p.AUTH_RATE_LIMIT_PER_IP, perEmail: p.AUTH_RATE_LIMIT_PER_EMAIL },
      oauth: {
        ...(p.AUTH_GITHUB_CLIENT_ID && p.AUTH_GITHUB_CLIENT_SECRET
          ? { github: { clientId: p.AUTH_GITHUB_CLIENT_ID, clientSecret: p.AUTH_GITHUB_CLIENT_SECRET } }
          : {}),
        ...(p.AUTH_GOOGLE_CLIENT_ID && p.AUTH_GOOGLE_CLIENT_SECRET
          ? { google: { clientId: p.AUTH_GOOGLE_CLIENT_ID, clientSecret: p.AUTH_GOOGLE_CLIENT_SECRET } }
          : {}),
      },
      smtp: p.SMTP_URL
        ? { url: p.SMTP_URL }
        : p.SMTP_HOST
          ? { host: p.SMTP_HOST, port: p.SMTP_PORT, user: p.SMTP_USER, pass: p.SMTP_PASS }
          : undefined,
      mailFrom: p.SMTP_FROM,
    },
    jobs: {
      workers: p.FLOE_WORKERS,
      functionsDir: p.FLOE_FUNCTIONS_DIR === undefined ? undefined : path.resolve(cwd, p.FLOE_FUNCTIONS_DIR),
      maxPayloadBytes: p.JOBS_MAX_PAYLOAD,
      retentionS: p.JOBS_RETENTION_S,
      relayBatch: p.JOBS_RELAY_BATCH,
      relaySweepMs: p.JOBS_RELAY_SWEEP_MS,
      webhookTimeoutMs: p.JOBS_WEBHOOK_TIMEOUT_MS,
    },
    storage: {
      s3: p.S3_ENDPOINT
        ? {
            endPoint: new URL(p.S3_ENDPOINT).hostname,
            port: new URL(p.S3_ENDPOINT).port ? Number(new URL(p.S3_ENDPOINT).port) : undefined,
            useSSL: new URL(p.S3_ENDPOINT).protocol === 'https:',
            accessKey: p.S3_ACCESS_KEY ?? '',
            secretKey: p.S3_SECRET_KEY ?? '',
            region: p.S3_REGION,
          }
        : undefined,
      bucket: p.S3_BUCKET,
      keyPrefix: p.S3_KEY_PREFIX,
      maxUploadSize: p.STORAGE_MAX_UPLOAD_SIZE,
      image: { maxDimension: p.STORAGE_IMAGE_MAX_DIMENSION, maxInputSize: p.STORAGE_IMAGE_MAX_INPUT_SIZE },
    },
    realtime: {
      retentionS: p.REALTIME_RETENTION_S,
      maxChannelsPerSocket: p.REALTIME_MAX_CHANNELS_PER_SOCKET,
      maxJoinsPerSecond: p.REALTIME_MAX_JOINS_PER_SECOND,
      maxMessagesPerSecond: p.REALTIME_MAX_MESSAGES_PER_SECOND,
      maxMessageBytes: p.REALTIME_MAX_MESSAGE_SIZE,
      maxBufferedBytes: p.REALTIME_MAX_BUFFERED,
      heartbeatTimeoutS: p.REALTIME_HEARTBEAT_TIMEOUT_S,
    },
  })
}
