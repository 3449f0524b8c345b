/**
 * The OpenAPI entries of the storage routes that are plain Hono routes (a streamed body, a
 * wildcard object name, TUS): registered on the router's registry, so `/openapi.json` lists them
 * beside the zod-openapi routes. `{name}` is the object's full name and may contain `/`.
 */
import { z, type RouteConfig } from '@hono/zod-openapi'
import { errorResponses, type Router } from '../http/index.js'

const Bucket = z.string().openapi({ param: { name: 'bucket', in: 'path' }, example: 'avatars' })
const Name = z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'user-1/me.png', description: "The object's name; may contain `/`" })
const ObjectParams = z.object({ bucket: Bucket, name: Name })
const TokenQuery = z.object({ token: z.string().openapi({ description: 'The signed token from the sign route' }) })
const DownloadQuery = z.object({ download: z.string().optional().openapi({ description: 'Answer as an attachment, under this file name if not empty' }) })
const RenderQuery = z.object({
  width: z.string().optional(),
  height: z.string().optional(),
  resize: z.enum(['cover', 'contain', 'fill']).optional(),
  quality: z.string().optional(),
  format: z.enum(['origin', 'avif', 'webp']).optional(),
})
const UploadHeaders = z.object({
  'x-upsert': z.enum(['true', 'false']).optional().openapi({ description: 'POST: replace an existing object instead of answering 409' }),
  'cache-control': z.string().optional(),
})

const ObjectJson = z.object({ Id: z.string(), Key: z.string().openapi({ example: 'avatars/user-1/me.png' }) }).passthrough().openapi('StorageUploaded')
const Bytes = { '*/*': { schema: z.string().openapi({ format: 'binary' }) } }
const SignedDownload = z.object({ signedURL: z.string(), url: z.string() }).openapi('StorageSignedUrl')
const SignedUpload = z.object({ url: z.string(), signedURL: z.string(), token: z.string() }).openapi('StorageSignedUpload')
const SignManyBody = z.object({ expiresIn: z.number().int(), paths: z.array(z.string()) })
const SignedMany = z.array(z.object({ path: z.string(), signedURL: z.string().nullable(), error: z.string().nullable() }))

type Method = RouteConfig['method']
const json = (schema: z.ZodType) => ({ 'application/json': { schema } })

/** One entry per method: OpenAPI has no "GET or HEAD" operation. */
function paths(methods: Method[], path: string, config: Omit<RouteConfig, 'method' | 'path'> & { summary: string }): RouteConfig[] {
  return methods.map((method) => ({
    ...config,
    method,
    path,
    operationId: `${config.operationId ?? ''}${methods.length > 1 ? method[0]!.toUpperCase() + method.slice(1) : ''}`,
    summary: method === 'head' ? `${config.summary} (headers only)` : config.summary,
    tags: ['Storage'],
  }))
}

const download = (summary: string, description: string, operationId: string, query: z.ZodObject = DownloadQuery) => ({
  operationId,
  summary,
  description,
  request: { params: ObjectParams, query },
  responses: {
    200: { description: 'The bytes (streamed; `Range` gives 206)', content: Bytes },
    206: { description: 'The requested range', content: Bytes },
    304: { description: 'Not modified (If-None-Match)' },
    ...errorResponses(400, 401, 404),
  },
})

const upload = (summary: string, operationId: string, extra: Partial<RouteConfig> = {}): Omit<RouteConfig, 'method' | 'path'> & { summary: string } => ({
  operationId,
  summary,
  description: 'The body is the file, streamed (raw bytes with its Content-Type, or multipart/form-data as supabase-js sends). The bucket size limit and MIME types apply.',
  request: { params: ObjectParams, headers: UploadHeaders, body: { required: true, content: { ...Bytes, 'multipart/form-data': { schema: z.object({ file: z.string().openapi({ format: 'binary' }) }) } } } },
  responses: { 200: { description: 'Stored', content: json(ObjectJson) }, ...errorResponses(400, 401, 403, 404, 409, 413) },
  ...extra,
})

const tus = (summary: string, operationId: string, withId: boolean): Omit<RouteConfig, 'method' | 'path'> & { summary: string } => ({
  operationId,
  summary,
  description: 'TUS 1.0 resumable uploads (creation, termination), as supabase-js / tus-js-client speak it: headers `Upload-Metadata` (bucketName, objectName, contentType), `Upload-Length`, `Upload-Offset`, `Tus-Resumable`.',
  ...(withId ? { request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) } } : {}),
  responses: { 200: { description: 'TUS answer (status and headers as TUS defines them)' }, 201: { description: 'Upload created (Location)' }, 204: { description: 'Chunk stored or upload ended' }, ...errorResponses(400, 401, 403, 404, 413) },
})

const OBJECT_ROUTES: RouteConfig[] = [
  ...paths(['post'], '/object/{bucket}/{name}', upload('Upload an object (409 if it exists, unless x-upsert: true)', 'storage.uploadObject')),
  ...paths(['put'], '/object/{bucket}/{name}', upload('Upload an object, replacing any', 'storage.replaceObject')),
  ...paths(['get', 'head'], '/object/{bucket}/{name}', download('Download an object the rules let the caller read', 'Range and If-None-Match are honoured.', 'storage.downloadObject')),
  ...paths(['delete'], '/object/{bucket}/{name}', { operationId: 'storage.deleteObject', summary: 'Delete an object', request: { params: ObjectParams }, responses: { 200: { description: 'Deleted', content: json(z.object({ message: z.string() })) }, ...errorResponses(400, 401, 404) } }),
  ...paths(['get', 'head'], '/object/public/{bucket}/{name}', download('Download an object of a public bucket, without credentials', 'Only for public buckets.', 'storage.downloadPublicObject')),
  ...paths(['get', 'head'], '/object/sign/{bucket}/{name}', download('Download with a signed URL, without credentials', 'The token is the credential, until it expires.', 'storage.downloadSignedObject', TokenQuery.merge(DownloadQuery))),
  ...paths(['get'], '/object/info/{bucket}/{name}', { operationId: 'storage.getObjectInfo', summary: "An object's metadata (size, type, etag, times)", request: { params: ObjectParams }, responses: { 200: { description: 'The metadata', content: json(z.object({}).passthrough()) }, ...errorResponses(400, 401, 404) } }),
  ...paths(['post'], '/object/sign/{bucket}/{name}', { operationId: 'storage.signObject', summary: 'Make a signed download URL that works without credentials until it expires', request: { params: ObjectParams, body: { required: true, content: json(z.object({ expiresIn: z.number().int(), transform: z.record(z.string(), z.union([z.string(), z.number()])).optional() })) } }, responses: { 200: { description: 'The signed URL', content: json(SignedDownload) }, ...errorResponses(400, 401, 404) } }),
  ...paths(['post'], '/object/sign/{bucket}', { operationId: 'storage.signObjects', summary: 'Make signed download URLs for several objects', request: { params: z.object({ bucket: Bucket }), body: { required: true, content: json(SignManyBody) } }, responses: { 200: { description: 'One answer per path, in order', content: json(SignedMany) }, ...errorResponses(400, 401, 404) } }),
  ...paths(['post'], '/object/upload/sign/{bucket}/{name}', { operationId: 'storage.signUpload', summary: 'Make a signed upload URL (PUT it without credentials, as the signer)', request: { params: ObjectParams, body: { required: false, content: json(z.object({ expiresIn: z.number().int().optional() })) } }, responses: { 200: { description: 'The signed upload URL and token', content: json(SignedUpload) }, ...errorResponses(400, 401, 403, 404) } }),
  ...paths(['put'], '/object/upload/sign/{bucket}/{name}', upload('Upload with a signed upload URL, without credentials', 'storage.uploadToSignedUrl', { request: { params: ObjectParams, query: TokenQuery, body: { required: true, content: Bytes } } })),
  ...paths(['get'], '/render/image/{access}/{bucket}/{name}', {
    operationId: 'storage.renderImage',
    summary: 'Download an image resized or converted (authenticated, public or sign access)',
    request: { params: z.object({ access: z.enum(['authenticated', 'public', 'sign']).openapi({ param: { name: 'access', in: 'path' } }), bucket: Bucket, name: Name }), query: RenderQuery.extend({ token: z.string().optional() }) },
    responses: { 200: { description: 'The image', content: { 'image/*': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(400, 401, 404) },
  }),
]

const RESUMABLE_ROUTES: RouteConfig[] = [
  ...paths(['post'], '/upload/resumable', tus('Create a resumable (TUS) upload', 'storage.createResumableUpload', false)),
  ...paths(['get', 'patch', 'delete'], '/upload/resumable', tus('TUS on the collection (options and errors as TUS answers them)', 'storage.resumableCollection', false)),
  ...paths(['get', 'patch', 'post', 'delete'], '/upload/resumable/{id}', tus('Resumable (TUS) upload: its offset (HEAD/GET), a chunk (PATCH), or end it (DELETE)', 'storage.resumableUpload', true)),
]

/**
 * Lists the plain routes in the router's OpenAPI registry (app.route carries them to
 * /openapi.json); the resumable ones only when they are served (a data folder to keep chunks in).
 */
export function documentPlainRoutes(router: Router, options: { resumable: boolean }): void {
  for (const route of [...OBJECT_ROUTES, ...(options.resumable ? RESUMABLE_ROUTES : [])]) router.openAPIRegistry.registerPath(route)
}
