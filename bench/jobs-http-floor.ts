/**
 * The floors under `POST /jobs/v1` that bench/jobs.ts measures next to it, each a process of its
 * own driven by the same autocannon load:
 *
 *   http     a bare node:http server that reads the body and answers 202 with a small JSON body:
 *            what the client, the kernel and Node's HTTP stack allow on this machine, no work
 *   bullmq   the same server doing `queue.add` per request (JSON.parse of the body first), with a
 *            BullMQ Worker at concurrency 200 in the same process, on auto-pipelined connections
 *            as Floe uses: bare BullMQ behind bare HTTP, without identity, limits or validation
 *
 *   tsx jobs-http-floor.ts <http|bullmq> <redisUrl> <prefix>   → prints "listening <port>"
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [mode, redisUrl, prefix] = process.argv.slice(2)
const serverRequire = createRequire(fileURLToPath(new URL('../server/package.json', import.meta.url)))
const { Queue, Worker } = (await import(pathToFileURL(serverRequire.resolve('bullmq')).href)) as typeof import('bullmq')
const { Redis } = (await import(pathToFileURL(serverRequire.resolve('ioredis')).href)) as typeof import('ioredis')

let add: ((body: string) => Promise<string>) | undefined
if (mode === 'bullmq') {
  const queue = new Queue('noop', { connection: new Redis(redisUrl!, { maxRetriesPerRequest: 1, enableAutoPipelining: true }), prefix })
  new Worker('noop', async () => null, { connection: new Redis(redisUrl!, { maxRetriesPerRequest: null, enableAutoPipelining: true }), prefix, concurrency: 200 })
  add = async (body) => {
    const { payload } = JSON.parse(body) as { payload: unknown }
    const job = await queue.add('noop', { payload }, { removeOnComplete: { age: 3600 } })
    return job.id!
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    void (add ? add(body) : Promise.resolve('x')).then((id) => {
      const out = JSON.stringify({ id, queue: 'noop' })
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) })
      res.end(out)
    })
  })
})
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`))
process.on('SIGTERM', () => process.exit(0))
