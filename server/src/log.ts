/**
 * Structured logs (pino, JSON lines). Secrets are redacted by path wherever they could appear:
 * headers, config, connection strings. Request logs are children carrying the request id.
 */
import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'apikey',
  '*.apikey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.apikey',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers.cookie',
  'config.jwtSecret',
  'config.anonKey',
  'config.serviceKey',
  'config.databaseUrl',
  'config.redisUrl',
  'jwtSecret',
  'anonKey',
  'serviceKey',
  'databaseUrl',
  'redisUrl',
  'connectionString',
]

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'floe' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}
