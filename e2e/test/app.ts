/**
 * The test page (app/): built once with Vite's API into a temp dir, `@floe/sdk` taken from the
 * workspace's source (sdk/src, so no prior `pnpm build` is needed), then served statically by a
 * small node:http server on its own port, so the page's origin differs from Floe's (CORS).
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const APP_DIR = fileURLToPath(new URL('../app/', import.meta.url))
const SDK_ENTRY = fileURLToPath(new URL('../../sdk/src/index.ts', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
}

export interface ServedApp {
  origin: string
  close(): Promise<void>
}

export async function buildAndServeApp(): Promise<ServedApp> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'floe-e2e-app-'))
  await build({
    configFile: false,
    root: APP_DIR,
    base: './',
    logLevel: 'warn',
    resolve: { alias: { '@floe/sdk': SDK_ENTRY } },
    build: { outDir, emptyOutDir: true, sourcemap: true },
  })
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    const file = path.join(outDir, path.normalize(pathname === '/' ? '/index.html' : pathname))
    if (!file.startsWith(outDir)) {
      res.writeHead(403).end()
      return
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as { port: number }
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(outDir, { recursive: true, force: true })
    },
  }
}
