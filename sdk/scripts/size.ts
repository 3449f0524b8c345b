/**
 * The size a browser app pays for the client: esbuild bundles an entry that imports only
 * `createClient` (ESM, browser platform, minified, tree-shaken), for @floe/sdk and for
 * @supabase/supabase-js 2.109.0 built the same way, and prints raw, minified and gzipped bytes.
 * Building for the browser platform also proves the SDK's browser path has no Node-only import
 * (esbuild fails on a `node:` import it cannot resolve for that platform).
 *
 *   pnpm --filter @floe/sdk size        (add --json for machine-readable output)
 */
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url))

interface Figures {
  name: string
  minified: number
  gzipped: number
}

async function measure(name: string, entry: string): Promise<Figures> {
  const result = await build({
    stdin: { contents: entry, resolveDir: SDK_DIR, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    treeShaking: true,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const out = result.outputFiles[0]!.contents
  return { name, minified: out.byteLength, gzipped: gzipSync(out, { level: 9 }).byteLength }
}

const rows = [
  await measure('@floe/sdk', `export { createClient } from './src/index.ts'`),
  await measure('@supabase/supabase-js 2.109.0', `export { createClient } from '@supabase/supabase-js'`),
]
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2))
} else {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`
  for (const r of rows) console.log(`${r.name.padEnd(32)} minified ${kb(r.minified).padStart(10)}   gzipped ${kb(r.gzipped).padStart(9)}`)
}
