import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { invalidInput } from './invalid-input.js'

const Body = z.object({ name: z.string(), tags: z.array(z.string()) })
const failure = () => {
  const r = Body.safeParse({ name: 1, tags: ['a', 2] })
  if (r.success) throw new Error('expected a failure')
  return r.error
}

describe('invalidInput', () => {
  it('names each issue by target and path, in message and details', () => {
    const e = invalidInput('json', failure())
    expect(e.status).toBe(400)
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.message).toBe('Invalid json: json.name Invalid input: expected string, received number; json.tags.1 Invalid input: expected string, received number')
    expect(JSON.parse(e.details as string)).toEqual([
      { path: ['json', 'name'], message: 'Invalid input: expected string, received number' },
      { path: ['json', 'tags', '1'], message: 'Invalid input: expected string, received number' },
    ])
  })

  it('names the bare target for a top-level issue', () => {
    const r = z.string().safeParse(3)
    expect(r.success || invalidInput('param', r.error).message).toBe('Invalid param: param Invalid input: expected string, received number')
  })

  it('lists only the messages when the target already says where (storage)', () => {
    const e = invalidInput('path bucket', failure(), { withPaths: false })
    expect(e.message).toBe('Invalid path bucket: Invalid input: expected string, received number; Invalid input: expected string, received number')
    expect(JSON.parse(e.details as string)[1]).toEqual({ path: ['path bucket', 'tags', '1'], message: 'Invalid input: expected string, received number' })
  })
})
