// Builds the dashboard when `pnpm install` runs (the `prepare` script), so the README's
// `pnpm install && pnpm start` serves it with no extra step. A failed build does not fail the
// install: the server still starts, and /dashboard/ answers a 503 that says how to build it.
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const started = Date.now()
try {
  await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn' })
  console.log(`@floe/dashboard: built into dashboard/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`)
} catch (err) {
  console.warn(`@floe/dashboard: the build failed, /dashboard/ will answer 503 until \`pnpm --filter @floe/dashboard build\` succeeds\n${err instanceof Error ? err.message : String(err)}`)
}
