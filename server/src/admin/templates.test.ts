import { describe, expect, it } from 'vitest'
import { expandTemplate } from './templates.js'

describe('rule templates', () => {
  it('write the owner check as an uncorrelated subquery (one evaluation per statement)', () => {
    expect(expandTemplate('notes', { kind: 'owner_only', column: 'owner_id' })).toEqual([
      { name: 'notes', operation: 'all', roles: ['authenticated'], using: '"owner_id" = (select auth.uid())', check: '"owner_id" = (select auth.uid())' },
    ])
  })

  it('expand owner write + public read into a read and a write rule', () => {
    expect(expandTemplate('posts', { kind: 'owner_write_public_read', column: 'Author"Id' })).toEqual([
      { name: 'posts_read', operation: 'select', roles: ['anon', 'authenticated'], using: 'true' },
      { name: 'posts_write', operation: 'all', roles: ['authenticated'], using: '"Author""Id" = (select auth.uid())', check: '"Author""Id" = (select auth.uid())' },
    ])
  })

  it('open reads to everyone or to signed-in users only', () => {
    expect(expandTemplate('a', { kind: 'public_read' })).toEqual([{ name: 'a', operation: 'select', roles: ['anon', 'authenticated'], using: 'true' }])
    expect(expandTemplate('b', { kind: 'signed_in_read' })).toEqual([{ name: 'b', operation: 'select', roles: ['authenticated'], using: 'true' }])
  })
})
