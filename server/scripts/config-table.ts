/**
 * Prints the README's configuration table from CONFIG_VARIABLES, or with --check fails when the
 * README's copy (between the config-table markers) differs, so the two never drift.
 */
import { readFileSync } from 'node:fs'
import { renderConfigTable, README_PATH, readmeConfigTable } from '../src/config-table.js'

const table = renderConfigTable()
if (process.argv.includes('--check')) {
  const current = readmeConfigTable(readFileSync(README_PATH, 'utf8'))
  if (current !== table) {
    process.stderr.write('README.md configuration table is out of date: run `pnpm --filter @floe/server config-table` and paste it\n')
    process.exit(1)
  }
  process.stdout.write('README configuration table matches config.ts\n')
} else {
  process.stdout.write(table + '\n')
}
