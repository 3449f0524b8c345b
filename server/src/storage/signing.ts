/**
 * Signed URLs: a compact token `<payload>.<mac>` where the MAC is HMAC-SHA256 under a key derived
 * from the instance's JWT secret. Derived (not the secret itself) and not a JWT, so a signed URL
 * can never be replayed as an access token, and rotating FLOE_JWT_SECRET revokes every URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { ApiError } from '../errors/index.js'

const Payload = z.object({
  /** 'r' download, 'w' upload. */
  k: z.enum(['r', 'w']),
  b: z.string(),
  n: z.string(),
  exp: z.number().int(),
  /** Upload only: the signer's role and claims, so the upload runs under the signer's rules. */
  role: z.string().optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  upsert: z.boolean().optional(),
  /** Download only: an image transform the URL renders (supabase-js `createSignedUrl(..., { transform })`). */
  t: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
})
export type SignedPayload = z.infer<typeof Payload>

export function createSigner(secret: Uint8Array) {
  const key = createHmac('sha256', secret).update('floe storage signed url v1').digest()
  const mac = (data: string) => createHmac('sha256', key).update(data).digest()
  return {
    sign(payload: SignedPayload): string {
      const data = Buffer.from(JSON.stringify(payload)).toString('base64url')
      return `${data}.${mac(data).toString('base64url')}`
    },
    verify(token: string, kind: 'r' | 'w', bucket: string, name: string): SignedPayload {
      const [data, sig] = token.split('.')
      const given = Buffer.from(sig ?? '', 'base64url')
      const expected = data ? mac(data) : Buffer.alloc(0)
      if (!data || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ApiError('STORAGE_SIGNATURE_INVALID', { hint: 'Create a new signed URL' })
      }
      const parsed = Payload.safeParse(JSON.parse(Buffer.from(data, 'base64url').toString('utf8')))
      if (!parsed.success || parsed.data.k !== kind || parsed.data.b !== bucket || parsed.data.n !== name) {
        throw new ApiError('STORAGE_SIGNATURE_INVALID', { details: 'The token was signed for another object or use' })
      }
      if (parsed.data.exp * 1000 < Date.now()) throw new ApiError('STORAGE_SIGNATURE_EXPIRED', { hint: 'Create a new signed URL' })
      return parsed.data
    },
  }
}
export type Signer = ReturnType<typeof createSigner>
