/**
 * Type generation (`floe gen types typescript`, `GET /admin/v1/types/typescript`): the
 * `Database` type of chosen schemas, read from the live catalog, in the format supabase-js and
 * postgrest-js consume. It reads the catalog only; it does not serve HTTP or parse arguments.
 */
export { generateTypescript, loadTypegenSource, renderTypegenSource, type TypegenSource } from './generate.js'
export { typegenRouter, type TypegenRouterDeps } from './router.js'
export type { JsonSchema } from './json-schema.js'
