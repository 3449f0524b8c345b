import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { README_PATH, readmeConfigTable, renderConfigTable } from './config-table.js'

describe('README configuration table', () => {
  it('matches config.ts (regenerate with `pnpm --filter @floe/server config-table`)', () => {
    expect(readmeConfigTable(readFileSync(README_PATH, 'utf8'))).toBe(renderConfigTable())
  })
})
