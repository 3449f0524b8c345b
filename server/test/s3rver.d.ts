// s3rver ships no types; the tests use its constructor, callback() and store only.
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  export default class S3rver {
    constructor(options: { directory: string; silent?: boolean; configureBuckets?: { name: string }[] })
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    configureBuckets(): Promise<void>
  }
}
