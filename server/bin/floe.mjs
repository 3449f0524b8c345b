#!/usr/bin/env node
// The `floe` command. A built copy (server/dist, made by `pnpm build` in the Docker image) runs as
// plain JavaScript; a source checkout runs the TypeScript through tsx, so `pnpm start` on a fresh
// clone needs no build step.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dist = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
if (process.env.FLOE_RUN_FROM_DIST === '1' && existsSync(dist)) {
  await import(pathToFileURL(dist).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli.ts')
}
