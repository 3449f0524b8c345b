/**
 * Storage test backends. `s3`: an s3rver process-local S3 server on a free port, reached through
 * the minio client exactly as production reaches MinIO. `filesystem`: the zero-config store
 * (no S3_* set), objects under a temporary FLOE_DATA_DIR. The storage suites run on both.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'
import { findFreePort } from '../src/db/index.js'
import { createNodeServer, type FrontHandler } from '../src/http/index.js'

export type BackendKind = 's3' | 'filesystem'

export interface TestBackend {
  kind: BackendKind
  /** Env for loadConfig / the real server. */
  env: Record<string, string>
  /** Every stored object key (to prove nothing is left behind). */
  listKeys(): Promise<string[]>
  close(): Promise<void>
}

const S3_BUCKET = 'floe-test'

export async function startBackend(kind: BackendKind): Promise<TestBackend> {
  const dir = await mkdtemp(path.join(tmpdir(), `floe-storage-${kind}-`))
  if (kind === 'filesystem') {
    return {
      kind,
      env: { FLOE_DATA_DIR: dir },
      listKeys: () => listFiles(path.join(dir, 'storage')),
      close: () => rm(dir, { recursive: true, force: true }),
    }
  }
  const s3 = new S3rver({ directory: dir, silent: true, configureBuckets: [{ name: S3_BUCKET }] })
  await s3.configureBuckets()
  const handle = s3.callback()
  const server = createServer((req, res) => {
    // s3rver lacks ListMultipartUploads, which minio asks before each multipart upload
    // (to resume one): answer "none in progress".
    if (req.method === 'GET' && /[?&]uploads(=|&|$)/.test(req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'application/xml' })
      res.end(`<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${S3_BUCKET}</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`)
      return
    }
    handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    kind,
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET,
      FLOE_DATA_DIR: dir,
    },
    // s3rver keeps an object as `<key>._S3rver_object` beside its metadata files.
    listKeys: async () => (await listFiles(path.join(dir, S3_BUCKET))).filter((f) => f.endsWith('._S3rver_object')),
    close: async () => {
      await closeServer(server)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)))
}

export const BACKENDS: BackendKind[] = ['s3', 'filesystem']

/**
 * A Floe on its own port (the real Node server, as `floe start` serves) with PUBLIC_URL set to
 * it, for clients that follow URLs the server hands out (supabase-js, tus-js-client).
 */
export async function serveFloeOnPort(
  build: (publicUrl: string) => Promise<{ app: { fetch: (req: Request) => Response | Promise<Response> }; nodeFront: FrontHandler }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await findFreePort()
  const url = `http://127.0.0.1:${port}`
  const floe = await build(url)
  const server = createNodeServer(floe.app.fetch, floe.nodeFront, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return { url, close: () => closeServer(server) }
}

