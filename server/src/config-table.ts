import { fileURLToPath } from 'node:url'
import { CONFIG_VARIABLES } from './config.js'

export const README_PATH = fileURLToPath(new URL('../../README.md', import.meta.url))
const START = '<!-- config-table:start -->'
const END = '<!-- config-table:end -->'

/** The README's configuration table, rendered from config.ts. */
export function renderConfigTable(): string {
  const rows = Object.entries(CONFIG_VARIABLES).map(([name, v]) => `| \`${name}\` | \`${v.default}\` | ${v.doc} |`)
  return ['| Variable | Default | What it does |', '| --- | --- | --- |', ...rows].join('\n')
}

/** The table currently between the markers in README text, or undefined. */
export function readmeConfigTable(readme: string): string | undefined {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) return undefined
  return readme.slice(start + START.length, end).trim()
}
