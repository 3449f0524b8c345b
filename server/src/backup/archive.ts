/**
 * The backup file: one tar. Entries are written as they are produced (a database dump, cluster
 * files, object bytes), each hashed on the way, and `manifest.json` goes last with every entry's
 * size and SHA-256, so the archive is written in one pass and restore can check it whole before
 * it touches anything.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'

export const MANIFEST_ENTRY = 'manifest.json'

export interface EntryInfo {
  size: number
  sha256: string
}

export interface ArchiveWriter {
  /** Adds an entry of exactly `size` bytes read from `source`; resolves with its checksum. */
  add(name: string, size: number, source: Readable): Promise<EntryInfo>
  addBuffer(name: string, data: Buffer): Promise<EntryInfo>
  addDirectory(name: string): Promise<void>
  readonly entries: Map<string, EntryInfo>
  readonly bytes: number
  /** Ends the tar and waits until the file is on disk. */
  finish(): Promise<void>
  abort(): void
}

export function createArchiveWriter(file: string): ArchiveWriter {
  const pack = tar.pack()
  const out = createWriteStream(file, { mode: 0o600 })
  const done = pipeline(pack, out)
  done.catch(() => undefined)
  const entries = new Map<string, EntryInfo>()
  let bytes = 0
  const add = async (name: string, size: number, source: Readable): Promise<EntryInfo> => {
    const hash = createHash('sha256')
    const entry = pack.entry({ name, size, mode: 0o600, type: 'file' })
    const counted = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk)
        bytes += chunk.length
        cb(null, chunk)
      },
    })
    await pipeline(source, counted, entry)
    const info = { size, sha256: hash.digest('hex') }
    entries.set(name, info)
    return info
  }
  return {
    add,
    addBuffer: (name, data) => add(name, data.length, Readable.from([data])),
    addDirectory: (name) =>
      new Promise<void>((resolve, reject) => pack.entry({ name, type: 'directory', mode: 0o700 }, (err) => (err ? reject(err) : resolve()))),
    entries,
    get bytes() {
      return bytes
    },
    async finish() {
      pack.finalize()
      await done
    },
    abort() {
      pack.destroy()
      out.destroy()
    },
  }
}

export interface ArchiveEntry {
  name: string
  type: 'file' | 'directory' | string
  size: number
  stream: Readable
}

/**
 * Reads the archive once, in order, handing each entry to `onEntry`, which must consume or
 * drain its stream.
 */
export async function readArchive(file: string, onEntry: (entry: ArchiveEntry) => Promise<void>): Promise<void> {
  const extract = tar.extract()
  const reading = pipeline(createReadStream(file), extract)
  reading.catch(() => undefined)
  for await (const entry of extract) {
    const h = entry.header
    await onEntry({ name: h.name, type: h.type ?? 'file', size: h.size ?? 0, stream: entry as unknown as Readable })
    entry.resume() // whatever onEntry left unread
  }
  await reading
}

/** Hashes a stream while passing it on. */
export function hashing(onDone: (info: EntryInfo) => void): Transform {
  const hash = createHash('sha256')
  let size = 0
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk)
      size += chunk.length
      cb(null, chunk)
    },
    flush(cb) {
      onDone({ size, sha256: hash.digest('hex') })
      cb()
    },
  })
}

/**
 * Exactly `size` bytes of a file that may change while it is read (a live cluster's relation
 * files): what is there up to `size`, zeros after if it shrank. WAL replay repairs such pages,
 * as with any base backup taken between pg_backup_start and pg_backup_stop.
 */
export async function* readExactly(path: string, size: number): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r')
  try {
    let done = 0
    while (done < size) {
      const buf = Buffer.alloc(Math.min(1024 * 1024, size - done))
      const { bytesRead } = await handle.read(buf, 0, buf.length, done)
      if (bytesRead === 0) {
        yield Buffer.alloc(size - done)
        return
      }
      done += bytesRead
      yield buf.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}
