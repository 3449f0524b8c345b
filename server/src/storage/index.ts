/**
 * Storage: bucket and object metadata (schema `storage`, guarded by RLS) and the bytes in S3 or
 * the zero-config directory through ObjectStore. It does not authenticate: it is handed an
 * Identity, and every object access is decided by the rules on storage.objects.
 */
export { storageRouter } from './router.js'
export { createStorageService, type StorageService, type WithServiceRole } from './service.js'
export { createObjectStore, filesystemStore, s3Store, type ObjectStore } from './object-store.js'
export { createSigner, type Signer } from './signing.js'
