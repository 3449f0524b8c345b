/**
 * autocannon with a different key per request, for rest.ts (run as its own process, like the
 * autocannon CLI): every `{key}` in the path becomes a random integer in [1, KEYS]. Prints
 * autocannon's JSON result.
 *
 *   tsx load.ts '{"url":"http://127.0.0.1:8790/rest/v1/items?id=eq.{key}","keys":10000,"connections":50,"seconds":5,"headers":{}}'
 */
import autocannon from 'autocannon'

const o = JSON.parse(process.argv[2] ?? '{}') as { url: string; keys: number; connections: number; seconds: number; headers: Record<string, string> }
const target = new URL(o.url.replace('{key}', '1'))
const template = decodeURI(o.url.slice(target.origin.length))
const result = await autocannon({
  url: target.origin,
  connections: o.connections,
  duration: o.seconds,
  headers: o.headers,
  requests: [{ setupRequest: (req) => ({ ...req, path: template.replace('{key}', String(1 + Math.floor(Math.random() * o.keys))) }) }],
})
process.stdout.write(JSON.stringify(result))
