/**
 * API keys for the dashboard: `GET /admin/v1/keys` (the active anon and service keys in clear,
 * and where each comes from) and `POST /admin/v1/keys/{kind}/rotate` (a new key of that kind;
 * the old one stops working on every replica at COMMIT). The keys themselves, their storage and
 * verification are auth's (listKeys, rotateKey); this folder only serves them to admins and
 * writes the audit entry of a rotation.
 */
import type { Router } from '../../http/index.js'
import { registerListKeys } from './routes/list-keys.js'
import { registerRotateKey } from './routes/rotate-key.js'
import { createKeyService, type KeyDeps } from './service.js'

export type { KeyDeps } from './service.js'

export function registerKeyRoutes(router: Router, deps: KeyDeps): void {
  const keys = createKeyService(deps)
  registerListKeys(router, keys)
  registerRotateKey(router, keys)
}
