import { createHash } from 'node:crypto'
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { createArchiveWriter, readArchive, readExactly } from './archive.js'

const dir = await mkdtemp(path.join(os.tmpdir(), 'floe-archive-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('backup archive', () => {
  it('writes entries with their checksums and reads them back in order, long names included', async () => {
    const file = path.join(dir, 'a.tar')
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
    const long = `objects/bucket/${'v'.repeat(180)}`
    const w = createArchiveWriter(file)
    await w.addDirectory('database/cluster/base')
    expect(await w.addBuffer('manifest-ish', Buffer.from('hello'))).toEqual({ size: 5, sha256: sha(Buffer.from('hello')) })
    expect(await w.add(long, big.length, Readable.from([big.subarray(0, 1000), big.subarray(1000)]))).toEqual({ size: big.length, sha256: sha(big) })
    await w.finish()
    expect(w.bytes).toBe(5 + big.length)

    const seen: { name: string; type: string; size: number; sha?: string }[] = []
    await readArchive(file, async (e) => {
      const chunks: Buffer[] = []
      for await (const c of e.stream) chunks.push(c as Buffer)
      seen.push({ name: e.name, type: e.type, size: e.size, ...(e.type === 'file' ? { sha: sha(Buffer.concat(chunks)) } : {}) })
    })
    expect(seen).toEqual([
      { name: 'database/cluster/base', type: 'directory', size: 0 },
      { name: 'manifest-ish', type: 'file', size: 5, sha: sha(Buffer.from('hello')) },
      { name: long, type: 'file', size: big.length, sha: sha(big) },
    ])
  })

  it('reads exactly the size it was given from a file that shrank meanwhile (zeros after)', async () => {
    const f = path.join(dir, 'rel')
    await writeFile(f, Buffer.alloc(100, 1))
    const size = 100
    await truncate(f, 60) // a relation truncated by VACUUM during the copy
    const chunks: Buffer[] = []
    for await (const c of readExactly(f, size)) chunks.push(c)
    const got = Buffer.concat(chunks)
    expect(got.length).toBe(100)
    expect(got.subarray(0, 60).every((b) => b === 1)).toBe(true)
    expect(got.subarray(60).every((b) => b === 0)).toBe(true)
  })
})
