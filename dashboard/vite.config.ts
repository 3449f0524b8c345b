/**
 * The dashboard's build and dev server. Built into dist/ under the base `/dashboard/`, where the
 * server (server/src/dashboard) serves it. `@floe/sdk` is taken from the workspace's source, so no
 * prior SDK build is needed. `pnpm --filter @floe/dashboard dev` proxies the APIs to a local
 * `floe start` (FLOE_URL, default http://127.0.0.1:54321).
 */
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// 127.0.0.1, not localhost: Node may resolve localhost to ::1, where the server (HOST=127.0.0.1) is not.
const target = process.env.FLOE_URL ?? 'http://127.0.0.1:54321'
const PROXIED = ['/admin/v1', '/auth/v1', '/rest/v1', '/storage/v1', '/jobs/v1', '/dashboard/config.json', '/docs', '/openapi.json']

export default defineConfig({
  base: '/dashboard/',
  plugins: [react()],
  resolve: { alias: { '@floe/sdk': fileURLToPath(new URL('../sdk/src/index.ts', import.meta.url)) } },
  server: {
    port: 5173,
    proxy: {
      ...Object.fromEntries(PROXIED.map((p) => [p, { target, changeOrigin: true }])),
      '/realtime/v1': { target, changeOrigin: true, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One chunk per screen (lazy routes); the shared vendor code in its own long-cached chunk.
    chunkSizeWarningLimit: 800,
  },
})
