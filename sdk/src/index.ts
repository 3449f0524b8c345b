/**
 * @floe/sdk: the typed client for Floe. `createClient<Database>(url, key)` composes the supabase
 * client libraries (data, auth, storage, realtime) and adds Floe's jobs client and resumable
 * realtime changes. No Node-only import anywhere: the same build runs in browsers and Node.
 */
export { createClient, FloeClient, VERSION, type AuthOptions, type FloeClientOptions, type SchemaNames } from './client.js'
export { FloeError, isFloeError, type FloeErrorShape } from './errors.js'
export type { Fetch } from './fetch-with-auth.js'
export {
  JobsClient,
  type EnqueueOptions,
  type FloeResult,
  type Job,
  type JobRef,
  type JobState,
  type JobsOf,
  type JobsSchema,
  type QueueTypes,
  type WaitOptions,
} from './jobs.js'
export { resumeChanges, type ChangeResume, type FloePostgresChangesPayload, type ResumeOptions } from './realtime-resume.js'
export { PostgrestError, type PostgrestResponse, type PostgrestSingleResponse } from '@supabase/postgrest-js'
export { AuthError, isAuthError, type Session, type User, type AuthChangeEvent } from '@supabase/auth-js'
export { StorageError, isStorageError } from '@supabase/storage-js'
export { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type RealtimePostgresChangesPayload, type WebSocketLikeConstructor } from '@supabase/realtime-js'
