/**
 * The browser path: a bundle importing only `createClient`, built by esbuild for the browser
 * platform as scripts/size.ts does, builds (no Node-only import reaches it), is tree-shaken
 * (the test-only code and Node built-ins are absent) and is no larger than supabase-js built the
 * same way (the target).
 */
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url))

async function bundle(entry: string): Promise<string> {
  const r = await build({
    stdin: { contents: entry, resolveDir: SDK_DIR, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
  return r.outputFiles[0]!.text
}

describe('browser bundle', () => {
  it('builds for the browser without Node built-ins and is no larger than supabase-js', async () => {
    const floe = await bundle(`export { createClient } from './src/index.ts'`)
    const supabase = await bundle(`export { createClient } from '@supabase/supabase-js'`)
    expect(floe).not.toMatch(/["']node:/)
    expect(floe).toContain('jobs/v1')
    const gz = (s: string) => gzipSync(s, { level: 9 }).byteLength
    expect(gz(floe)).toBeLessThanOrEqual(gz(supabase))
  }, 60_000)
})
