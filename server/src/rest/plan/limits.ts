/**
 * Floe's query-complexity limits (PostgREST has none): each a parameter of planning, each a clear
 * 400. Besides bounding the work a request can ask for, they keep Postgres below its own hard
 * limits (1664 target-list entries, max_stack_depth), which would otherwise surface as 500s.
 */
import type { Field, LogicTree } from '../parse/types.js'
import type { DraftNode } from './draft-tree.js'
import { tooComplex } from './errors.js'

export interface PlanLimits {
  /** Deepest embed allowed (`a(b(c))` is depth 3). */
  maxEmbedDepth: number
  /** Filters counted over every level, logic-tree leaves included. */
  maxFilters: number
  /** PostgREST's db-max-rows: caps every level's limit on reads. */
  maxRows?: number
  /** Nesting of `and(...)`/`or(...)`. */
  maxLogicDepth: number
  /** Arrows in one JSON path (`a->b->c` has 2). */
  maxJsonPath: number
  /** Select items (columns and embeds) of one level. */
  maxSelectItems: number
}

export const DEFAULT_LIMITS: PlanLimits = { maxEmbedDepth: 8, maxFilters: 100, maxLogicDepth: 16, maxJsonPath: 32, maxSelectItems: 1000 }

const logicDepth = (t: LogicTree): number => (t.type === 'filter' ? 0 : 1 + Math.max(0, ...t.children.map(logicDepth)))
const leaves = (t: LogicTree): number => (t.type === 'filter' ? 1 : t.children.reduce((a, c) => a + leaves(c), 0))
const logicFields = (t: LogicTree): Field[] => (t.type === 'filter' ? [t.filter.field] : t.children.flatMap(logicFields))

function depthOf(node: DraftNode): number {
  return Math.max(node.depth, ...node.children.map(depthOf))
}

function countFilters(node: DraftNode): number {
  return node.filters.length + node.logic.reduce((a, t) => a + leaves(t), 0) + node.children.reduce((a, c) => a + countFilters(c), 0)
}

function checkNode(node: DraftNode, limits: PlanLimits): void {
  const items = node.fields.length + node.children.length
  if (items > limits.maxSelectItems) throw tooComplex(`${items} select items exceed the maximum of ${limits.maxSelectItems}`)
  const deepest = Math.max(0, ...node.logic.map(logicDepth))
  if (deepest > limits.maxLogicDepth) throw tooComplex(`Logic tree depth ${deepest} exceeds the maximum of ${limits.maxLogicDepth}`)
  const fields = [...node.fields.map((f) => f.field), ...node.filters.map((f) => f.field), ...node.order.map((o) => o.field), ...node.logic.flatMap(logicFields)]
  const longest = Math.max(0, ...fields.map((f) => f.jsonPath.length))
  if (longest > limits.maxJsonPath) throw tooComplex(`JSON path of ${longest} steps exceeds the maximum of ${limits.maxJsonPath}`)
  node.children.forEach((c) => checkNode(c, limits))
}

export function checkLimits(draft: DraftNode, limits: PlanLimits, extraFilters: number): void {
  const depth = depthOf(draft)
  if (depth > limits.maxEmbedDepth) throw tooComplex(`Embedding depth ${depth} exceeds the maximum of ${limits.maxEmbedDepth}`)
  const filters = countFilters(draft) + extraFilters
  if (filters > limits.maxFilters) throw tooComplex(`${filters} filters exceed the maximum of ${limits.maxFilters}`)
  checkNode(draft, limits)
}
