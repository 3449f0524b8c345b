import { describe, expect, it } from 'vitest'
import { contentRange, readStatus } from './content-range.js'

describe('content range (PostgREST RangeQuery)', () => {
  it.each([
    [0, 9, null, '0-9/*'],
    [0, 9, 100, '0-9/100'],
    [0, -1, null, '*/*'],
    [0, -1, 0, '*/0'],
    [5, 4, 3, '*/3'],
  ])('contentRange(%i, %i, %s) = %s', (l, u, t, expected) => expect(contentRange(l, u, t)).toBe(expected))

  it('answers 200 for a whole result, 206 for a page of a counted one, 416 past the end', () => {
    expect(readStatus(0, 10, null)).toEqual({ status: 200, contentRange: '0-9/*' })
    expect(readStatus(0, 10, 10)).toEqual({ status: 200, contentRange: '0-9/10' })
    expect(readStatus(0, 10, 25)).toEqual({ status: 206, contentRange: '0-9/25' })
    expect(readStatus(30, 0, 25)).toEqual({ status: 416, contentRange: '*/25' })
    expect(readStatus(25, 0, 25)).toEqual({ status: 206, contentRange: '*/25' })
    expect(readStatus(0, 0, 0)).toEqual({ status: 200, contentRange: '*/0' })
  })
})
