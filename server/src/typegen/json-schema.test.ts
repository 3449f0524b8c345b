import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { tsTypeFromJsonSchema } from './json-schema.js'

const ts = (schema: z.ZodType) => tsTypeFromJsonSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>)

describe('a zod payload schema as a TypeScript type', () => {
  it('objects: required, optional, defaults optional on input, records and nesting', () => {
    expect(ts(z.object({ path: z.string(), width: z.number().int().optional(), fit: z.enum(['cover', 'contain']).default('cover') }))).toBe(
      '{ path: string; width?: number; fit?: "cover" | "contain" }',
    )
    expect(ts(z.record(z.string(), z.number()))).toBe('{ [key: string]: number }')
    expect(ts(z.object({ 'odd-key': z.boolean(), inner: z.object({ at: z.string().datetime() }) }))).toBe('{ "odd-key": boolean; inner: { at: string } }')
  })

  it('arrays, tuples, unions, literals, nullables, intersections, unknown', () => {
    expect(ts(z.array(z.union([z.string(), z.number()])))).toBe('(string | number)[]')
    expect(ts(z.tuple([z.string(), z.number()]))).toBe('[string, number]')
    expect(ts(z.literal('x'))).toBe('"x"')
    expect(ts(z.string().nullable())).toBe('string | null')
    expect(tsTypeFromJsonSchema({ allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: ['number', 'null'] } } }] })).toBe(
      '{ a: string } & { b?: number | null }',
    )
    expect(ts(z.unknown())).toBe('Json')
    expect(ts(z.object({ body: z.unknown() }))).toBe('{ body: Json }')
  })

  it('recursive schemas end in Json instead of looping', () => {
    type Tree = { name: string; children: Tree[] }
    const Tree: z.ZodType<Tree> = z.object({ name: z.string(), get children() { return z.array(Tree) } })
    expect(ts(Tree)).toMatch(/^\{ name: string; children: .*\[\] \}$/)
  })
})
