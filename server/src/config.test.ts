import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

describe('loadConfig', () => {
  it('gives working defaults with nothing set (the zero-config start)', () => {
    const c = loadConfig({}, '/srv/app')
    expect(c.port).toBe(54321)
    expect(c.host).toBe('127.0.0.1')
    expect(c.databaseUrl).toBeUndefined()
    expect(c.dataDir).toBe('/srv/app/.floe')
    expect(c.dbSchemas).toEqual(['public'])
    expect(c.publicUrl).toBe('http://localhost:54321')
    expect(c.bodyLimit).toBe(1024 * 1024)
    expect(c.corsOrigins).toBe('*')
    expect(Object.isFrozen(c)).toBe(true)
  })

  it('names PORT in exactly one line when it is not a number', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT: expected a port number (1-65535) (got "abc")'])
  })

  it('names DATABASE_URL when malformed, without echoing the value (it may hold a password)', () => {
    const p = problems({ DATABASE_URL: 'mysql://u:secretpw@h/db' })
    expect(p).toHaveLength(1)
    expect(p[0]).toMatch(/^DATABASE_URL: expected a URL like postgres:\/\//)
    expect(p[0]).not.toContain('secretpw')
  })

  it('reports every bad variable at once', () => {
    const p = problems({ PORT: '70000', BODY_LIMIT: 'lots', FLOE_JWT_SECRET: 'short', LOG_LEVEL: 'loud' })
    expect(p.map((l) => l.split(':')[0])).toEqual(['PORT', 'FLOE_JWT_SECRET', 'BODY_LIMIT', 'LOG_LEVEL'])
  })

  it('parses sizes, lists and booleans', () => {
    const c = loadConfig({ BODY_LIMIT: '512kb', FLOE_DB_SCHEMAS: 'public, api', CORS_ORIGINS: 'https://a.test,https://b.test', TRUST_PROXY: 'true' })
    expect(c.bodyLimit).toBe(512 * 1024)
    expect(c.dbSchemas).toEqual(['public', 'api'])
    expect(c.corsOrigins).toEqual(['https://a.test', 'https://b.test'])
    expect(c.trustProxy).toBe(true)
  })

  it('refuses an exposed schema name that is not a plain identifier', () => {
    expect(problems({ FLOE_DB_SCHEMAS: 'public,"x; drop"' })[0]).toMatch(/^FLOE_DB_SCHEMAS:/)
  })
})
