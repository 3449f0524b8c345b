/**
 * Which base-table column each view column shows, read from the view's stored query
 * (pg_rewrite.ev_action, a pg_node_tree). Postgres records, on each top-level target entry, the
 * relation and column it comes from (`resorigtbl`, `resorigcol`), following joins, subqueries
 * and CTEs, so `select b.id as book_id ... from books b join authors a ...` maps `book_id` to
 * books.id. A view built on another view points at that view; we follow the chain to a table.
 *
 * Limits (the same as PostgREST's, which reads the same fields): a column that is an expression
 * (`id + 0`, `coalesce(...)`, a cast that is not a no-op) maps to nothing, nor does any column
 * of a UNION/INTERSECT/EXCEPT view; such columns carry no keys or relationships.
 */

type TreeValue = string | TreeNode | TreeValue[]
interface TreeNode {
  type: string
  fields: Map<string, TreeValue[]>
}

/** pg_strtok's rules: `(){}` stand alone, whitespace separates, a backslash escapes one char. */
function tokenize(text: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      i++
    } else if (ch === '(' || ch === ')' || ch === '{' || ch === '}') {
      tokens.push(ch)
      i++
    } else {
      let token = ''
      while (i < text.length && !' \n\t\r(){}'.includes(text[i]!)) {
        if (text[i] === '\\' && i + 1 < text.length) i++
        token += text[i]
        i++
      }
      tokens.push(token)
    }
  }
  return tokens
}

class TreeParser {
  private pos = 0
  constructor(private readonly tokens: string[]) {}

  parseValue(): TreeValue {
    const token = this.tokens[this.pos++]
    if (token === '{') return this.parseNode()
    if (token === '(') return this.parseList()
    if (token === undefined) throw new Error('unexpected end of node tree')
    return token
  }

  private parseList(): TreeValue[] {
    const items: TreeValue[] = []
    while (this.tokens[this.pos] !== ')') {
      if (this.pos >= this.tokens.length) throw new Error('unterminated list in node tree')
      items.push(this.parseValue())
    }
    this.pos++
    return items
  }

  /** A field runs from its `:name` to the next `:name` or the node's end; values can be several
   *  (a Const's datum prints as `4 [ 1 0 0 0 ]`). */
  private parseNode(): TreeNode {
    const node: TreeNode = { type: this.tokens[this.pos++] ?? '', fields: new Map() }
    let values: TreeValue[] | undefined
    while (this.tokens[this.pos] !== '}') {
      if (this.pos >= this.tokens.length) throw new Error('unterminated node in node tree')
      const token = this.tokens[this.pos]!
      if (token.startsWith(':')) {
        values = []
        node.fields.set(token.slice(1), values)
        this.pos++
      } else {
        const value = this.parseValue()
        values?.push(value)
      }
    }
    this.pos++
    return node
  }
}

function field(node: TreeNode, name: string): TreeValue | undefined {
  return node.fields.get(name)?.[0]
}

function isNode(value: TreeValue | undefined): value is TreeNode {
  return typeof value === 'object' && !Array.isArray(value)
}

/** A column's origin: relation oid and attribute number. */
export interface ColumnOrigin {
  relid: number
  attnum: number
}

/** The origins of one view's columns, by the view column's attnum (= target entry resno). */
export function parseViewOrigins(definition: string): Map<number, ColumnOrigin> {
  const out = new Map<number, ColumnOrigin>()
  const root = new TreeParser(tokenize(definition)).parseValue()
  const query = Array.isArray(root) ? root[0] : root
  if (!isNode(query)) return out
  const targetList = field(query, 'targetList')
  if (!Array.isArray(targetList)) return out
  for (const entry of targetList) {
    if (!isNode(entry) || field(entry, 'resjunk') === 'true') continue
    const resno = Number(field(entry, 'resno'))
    const relid = Number(field(entry, 'resorigtbl'))
    const attnum = Number(field(entry, 'resorigcol'))
    if (resno > 0 && relid > 0 && attnum > 0) out.set(resno, { relid, attnum })
  }
  return out
}

/**
 * For every view, the final table origin of each of its columns, following views of views.
 * A definition that fails to parse gives that view no origins rather than failing the load:
 * its keys and relationships are the only thing lost.
 */
export function resolveViewOrigins(
  views: { oid: number; definition: string }[],
  onParseError?: (oid: number, err: unknown) => void,
): Map<number, Map<number, ColumnOrigin>> {
  const direct = new Map<number, Map<number, ColumnOrigin>>()
  for (const view of views) {
    try {
      direct.set(view.oid, parseViewOrigins(view.definition))
    } catch (err) {
      onParseError?.(view.oid, err)
      direct.set(view.oid, new Map())
    }
  }
  const resolved = new Map<number, Map<number, ColumnOrigin>>()
  for (const [viewOid, origins] of direct) {
    const columns = new Map<number, ColumnOrigin>()
    for (const [resno, origin] of origins) {
      const final = followToTable(direct, origin)
      if (final) columns.set(resno, final)
    }
    resolved.set(viewOid, columns)
  }
  return resolved
}

function followToTable(direct: Map<number, Map<number, ColumnOrigin>>, start: ColumnOrigin): ColumnOrigin | undefined {
  let origin: ColumnOrigin | undefined = start
  const seen = new Set<number>()
  while (origin && direct.has(origin.relid)) {
    // A cycle cannot be created with CREATE VIEW, but a catalog is not worth a hang.
    if (seen.has(origin.relid)) return undefined
    seen.add(origin.relid)
    origin = direct.get(origin.relid)!.get(origin.attnum)
  }
  return origin
}
