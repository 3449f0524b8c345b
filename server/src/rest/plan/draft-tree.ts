/**
 * The first pass of read planning, before anything is resolved against the cache: the select tree
 * as nodes, with each filter, logic tree, order and range attached to the embed its path names.
 * An unknown path is PGRST108, raised here as PostgREST raises it: before any relationship lookup.
 */
import type {
  EmbedPath, Filter, JoinType, LogicTree, OrderTerm, QueryParams, Range, SelectField, SelectItem,
} from '../parse/types.js'
import { notEmbedded } from './errors.js'

export interface DraftNode {
  relName: string
  relAlias?: string
  hint?: string
  joinType?: JoinType
  isSpread: boolean
  depth: number
  fields: SelectField[]
  filters: Filter[]
  logic: LogicTree[]
  order: OrderTerm[]
  range: Range
  children: DraftNode[]
}

const allRows: Range = { offset: 0, limit: null }

function draftFrom(items: readonly SelectItem[], base: Omit<DraftNode, 'fields' | 'children' | 'filters' | 'logic' | 'order' | 'range'>): DraftNode {
  const node: DraftNode = { ...base, fields: [], children: [], filters: [], logic: [], order: [], range: allRows }
  for (const item of items) {
    if (item.type === 'field') {
      node.fields.push(item)
      continue
    }
    node.children.push(
      draftFrom(item.children, {
        relName: item.name,
        ...(item.type === 'relation' && item.alias !== undefined && { relAlias: item.alias }),
        ...(item.hint !== undefined && { hint: item.hint }),
        ...(item.joinType !== undefined && { joinType: item.joinType }),
        isSpread: item.type === 'spread',
        depth: base.depth + 1,
      }),
    )
  }
  return node
}

/** PostgREST's updateNode: the first child whose name or alias is the next path element. */
function nodeAt(root: DraftNode, path: EmbedPath): DraftNode {
  let node = root
  for (const name of path) {
    const next = node.children.find((c) => c.relName === name || c.relAlias === name)
    if (next === undefined) throw notEmbedded(name)
    node = next
  }
  return node
}

export interface DraftOptions {
  /**
   * Mutations: root filters and logic belong to the statement, and ranges are not read; orders
   * are, root and embedded, to sort the returned representation (PostgREST's addOrders).
   */
  isMutation: boolean
  topRange: Range
}

export function buildDraftTree(rootName: string, query: QueryParams, options: DraftOptions): DraftNode {
  const root = draftFrom(query.select, { relName: rootName, isSpread: false, depth: 0 })
  for (const { path, filter } of query.filters) {
    if (options.isMutation && path.length === 0) continue
    nodeAt(root, path).filters.push(filter)
  }
  for (const { path, terms } of query.order) nodeAt(root, path).order = terms
  if (!options.isMutation) {
    root.range = options.topRange
    for (const { path, range } of query.ranges) nodeAt(root, path).range = range
  }
  for (const { path, tree } of query.logic) {
    if (options.isMutation && path.length === 0) continue
    nodeAt(root, path).logic.push(tree)
  }
  return root
}
