/**
 * The shape of server/src, held as tests so it stays true (issue 13): no import cycle; a module
 * reaches another only through its index.ts; transactions and LISTEN only in db/; process.env
 * only in config.ts; error bodies only in errors/ and http/. Read from the source text, like a
 * reviewer would: comments are left out, string literals are not.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'test-fixtures' ? [] : sourceFiles(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') && e.name !== 'test-fixture.ts' ? [path] : []
  })
}

const files = sourceFiles(SRC).map((path) => {
  const rel = relative(SRC, path)
  const text = readFileSync(path, 'utf8')
  // Comments out, strings kept (a `//` inside a string such as a URL is kept too).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
  const imports = [...code.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => normalize(join(dirname(rel), m[1]!)).replace(/\.js$/, '.ts'))
  return { rel, code, imports }
})
/** The module a file belongs to: its top folder under src/ (top-level files belong to none). */
const moduleOf = (rel: string) => (rel.includes('/') ? rel.split('/')[0]! : undefined)

describe('server/src', () => {
  it('has files to look at', () => {
    expect(files.length).toBeGreaterThan(100)
  })

  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [f.rel, f.imports.filter((i) => i.endsWith('.ts'))]))
    const state = new Map<string, 'open' | 'done'>()
    const cycles: string[] = []
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '))
      state.set(file, 'open')
      for (const next of graph.get(file) ?? []) visit(next, [...path, file])
      state.set(file, 'done')
    }
    for (const file of graph.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })

  it("reaches another module only through that module's index.ts", () => {
    const deep = files.flatMap((f) =>
      f.imports.filter((i) => moduleOf(i) !== undefined && moduleOf(i) !== moduleOf(f.rel) && !i.endsWith('/index.ts')).map((i) => `${f.rel} imports ${i}`),
    )
    expect(deep).toEqual([])
  })

  it('begins, commits and listens only in db/', () => {
    const statement = /['"`]\s*(begin|start\s+transaction|commit|rollback|savepoint|release\s+savepoint|listen|unlisten)(\s|;|['"`])/i
    // The SQL runner's statement splitter names these keywords to find where statements end
    // (and refuses them in a script); it sends nothing itself.
    const splitter = 'admin/sql/script.ts'
    const found = files.filter((f) => !f.rel.startsWith('db/') && f.rel !== splitter).flatMap((f) =>
      f.code.split('\n').filter((line) => statement.test(line) && !/tx\s*(===|:)\s*'(commit|rollback)'|'(commit|rollback)'\s*\|/.test(line)).map((line) => `${f.rel}: ${line.trim()}`),
    )
    expect(found).toEqual([])
  })

  it('reads process.env only in config.ts', () => {
    expect(files.filter((f) => f.rel !== 'config.ts' && /process\.env\b/.test(f.code)).map((f) => f.rel)).toEqual([])
  })

  it('writes error bodies only in errors/ and http/', () => {
    const writers = files.filter((f) => !/^(errors|http)\//.test(f.rel) && /\.toBody\(\)|JSON\.stringify\(\s*\{\s*code\b/.test(f.code)).map((f) => f.rel)
    expect(writers).toEqual([])
  })
})
