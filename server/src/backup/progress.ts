/** Progress lines on stderr (stdout stays free for the one summary line), at most twice a second. */
export interface Progress {
  /** A step done: `what` (e.g. "objects") `done` of `total`, plus bytes so far. */
  step(what: string, done: number, total: number, bytes?: number): void
  line(text: string): void
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(1)} ${units[i]}`
}

export function createProgress(command: string, out: NodeJS.WritableStream = process.stderr): Progress {
  let last = 0
  return {
    step(what, done, total, bytes) {
      const now = Date.now()
      if (done < total && now - last < 500) return
      last = now
      out.write(`floe ${command}: ${what} ${done}/${total}${bytes !== undefined ? ` (${formatBytes(bytes)})` : ''}\n`)
    },
    line(text) {
      out.write(`floe ${command}: ${text}\n`)
    },
  }
}
