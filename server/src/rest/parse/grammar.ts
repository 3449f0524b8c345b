/**
 * PostgREST's query-string grammar (ApiRequest/QueryParams.hs), production by production, so that
 * what parses and what fails, and where, match PostgREST. Parsers here do not require end of input
 * unless PostgREST's do: `select=id)` parses as `id` there too.
 */
import {
  alt, as, attempt, between, chain, char, digit, eof, label, left, letter, lookAhead, many, many1, map,
  noneOf, notFollowedBy, oneOf, option, optional, pure, right, satisfy, sepBy, sepBy1, string, zero,
  anyChar, type Parser,
} from './parsec.js'
import type {
  AggregateFunction, EmbedPath, Field, Filter, FtsOperator, JoinType, JsonOperation, LogicTree, Operation,
  OrderTerm, QuantOperator, SelectItem, SimpleOperator, TrileanValue,
} from './types.js'

const ws = many(oneOf(' \t'))
const lexeme = <T>(p: Parser<T>): Parser<T> => left(right(ws, p), ws)
const strip = (s: string) => s.replace(/^\s+|\s+$/g, '')
const join = (cs: string[]) => cs.join('')

export const pDelimiter = label(char('.'), 'delimiter (.)')

const pCharsOrSlashed = alt(noneOf('\\"'), right(char('\\'), anyChar))
export const pQuotedValue: Parser<string> = map(between(char('"'), char('"'), many(pCharsOrSlashed)), join)

const pIdentifierChar = alt(letter, digit, oneOf('_ $'))
export const pIdentifier: Parser<string> = map(many1(pIdentifierChar), (cs) => strip(join(cs)))

/** A dash that is not the start of `->`. */
const dash = as(attempt(right(char('-'), notFollowedBy(char('>')))), '-')
const sepByDash = (p: Parser<string>): Parser<string> => map(sepBy1(p, dash), (xs) => xs.join('-'))

export const pFieldName: Parser<string> = label(alt(pQuotedValue, sepByDash(pIdentifier)), 'field name (* or [a..z0..9_$])')

const lookAheadStr = (s: string) => attempt(as(lookAhead(string(s)), undefined))
const pJsonIdxEnd = alt(lookAheadStr('->'), lookAheadStr('::'), lookAheadStr('.'), lookAheadStr(','), attempt(eof))
const pJsonKeyIdentifier = map(many1(noneOf('(-:.,>)')), (cs) => strip(join(cs)))
const pJsonKeyName = label(alt(pQuotedValue, sepByDash(pJsonKeyIdentifier)), 'any non reserved character different from: .,>()')
const pJIdx = map(
  left(chain(option('+', char('-')), (sign) => map(many1(digit), (ds) => sign + join(ds))), pJsonIdxEnd),
  (value): JsonOperation['operand'] => ({ kind: 'idx', value }),
)
const pJKey = map(pJsonKeyName, (value): JsonOperation['operand'] => ({ kind: 'key', value }))
const pJsonArrow = alt(attempt(as(string('->>'), '->>' as const)), attempt(as(string('->'), '->' as const)))
const pJsonOperation: Parser<JsonOperation> = chain(pJsonArrow, (arrow) =>
  map(alt(attempt(pJIdx), attempt(pJKey)), (operand) => ({ arrow, operand })),
)
export const pJsonPath: Parser<JsonOperation[]> = many(pJsonOperation)

export const pField: Parser<Field> = lexeme(
  chain(pFieldName, (name) => map(option<JsonOperation[]>([], pJsonPath), (jsonPath) => ({ name, jsonPath }))),
)

/** `a.b.c->x` as a parameter key: the embed path and the field. */
export const pTreePath: Parser<{ path: EmbedPath; field: Field }> = chain(sepBy1(pFieldName, pDelimiter), (names) =>
  map(option<JsonOperation[]>([], pJsonPath), (jsonPath) => ({
    path: names.slice(0, -1),
    field: { name: names[names.length - 1] ?? '', jsonPath },
  })),
)

// ---- select ----

const aliasSeparator = right(char(':'), notFollowedBy(char(':')))
const pAlias = optional(attempt(left(pFieldName, aliasSeparator)))

type EmbedParam = { hint: string } | { joinType: JoinType }
const pEmbedParam: Parser<EmbedParam> = right(
  char('!'),
  alt<EmbedParam>(
    attempt(as(string('left'), { joinType: 'left' as const })),
    attempt(as(string('inner'), { joinType: 'inner' as const })),
    attempt(map(pFieldName, (hint) => ({ hint }))),
  ),
)
const pEmbedParams: Parser<{ hint?: string; joinType?: JoinType }> = chain(optional(pEmbedParam), (p1) =>
  map(optional(pEmbedParam), (p2) => {
    const hint = [p1, p2].find((p): p is { hint: string } => p !== undefined && 'hint' in p)?.hint
    const joinType = [p1, p2].find((p): p is { joinType: JoinType } => p !== undefined && 'joinType' in p)?.joinType
    return { ...(hint !== undefined && { hint }), ...(joinType !== undefined && { joinType }) }
  }),
)
const openParenAhead = attempt(as(lookAhead(string('(')), undefined))

const pRelationSelect = lexeme(
  chain(pAlias, (alias) =>
    chain(pFieldName, (name) =>
      name === 'count'
        ? zero
        : chain(pEmbedParams, (params) =>
            as(openParenAhead, { type: 'relation' as const, name, ...(alias !== undefined && { alias }), ...params }),
          ),
    ),
  ),
)

const pSpreadRelationSelect = lexeme(
  chain(right(string('...'), pFieldName), (name) =>
    chain(pEmbedParams, (params) => as(openParenAhead, { type: 'spread' as const, name, ...params })),
  ),
)

const pSelectEnd = alt(lookAheadStr(')'), lookAheadStr(','), attempt(eof))
const pCast = optional(right(string('::'), pIdentifier))
const pAggregation: Parser<AggregateFunction> = alt<AggregateFunction>(
  as(string('sum'), 'sum'),
  as(string('avg'), 'avg'),
  as(string('count'), 'count'),
  attempt(as(string('max'), 'max')),
  attempt(as(string('min'), 'min')),
)

function selectField(field: Field, alias?: string, cast?: string, agg?: AggregateFunction, aggCast?: string): SelectItem {
  return {
    type: 'field', field,
    ...(alias !== undefined && { alias }), ...(cast !== undefined && { cast }),
    ...(agg !== undefined && { aggregate: agg }), ...(aggCast !== undefined && { aggregateCast: aggCast }),
  }
}

const pStarSelect = attempt(as(left(string('*'), pSelectEnd), selectField({ name: '*', jsonPath: [] })))
const pCountSelect = attempt(
  chain(pAlias, (alias) =>
    right(string('count()'), chain(pCast, (aggCast) => as(pSelectEnd, selectField({ name: '*', jsonPath: [] }, alias, undefined, 'count', aggCast)))),
  ),
)
const pPlainSelect = chain(pAlias, (alias) =>
  chain(pField, (field) =>
    chain(pCast, (cast) =>
      chain(optional(attempt(left(right(char('.'), pAggregation), string('()')))), (agg) =>
        chain(pCast, (aggCast) => as(pSelectEnd, selectField(field, alias, cast, agg, aggCast))),
      ),
    ),
  ),
)
const pFieldSelect: Parser<SelectItem> = lexeme(alt(pStarSelect, pCountSelect, pPlainSelect))

function withChildren(p: Parser<Omit<SelectItem & { children: SelectItem[] }, 'children'>>): Parser<SelectItem> {
  return chain(attempt(p), (head) => map(between(char('('), char(')'), pFieldForest), (children) => ({ ...head, children }) as SelectItem))
}

const pFieldTree: Parser<SelectItem> = (s) =>
  alt(withChildren(pSpreadRelationSelect), withChildren(pRelationSelect), pFieldSelect)(s)

export const pFieldForest: Parser<SelectItem[]> = (s) => sepBy(pFieldTree, lexeme(char(',')))(s)

// ---- filters ----

const simpleOps: SimpleOperator[] = ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj']
const quantOps: QuantOperator[] = ['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch']
const pSimpleOperator = label(alt(...simpleOps.map((op) => attempt(as(string(op), op)))), 'unknown single value operator')
const pQuantOperator = label(alt(...quantOps.map((op) => attempt(as(string(op), op)))), 'unknown single value operator')

const pListElement = alt(attempt(left(pQuotedValue, notFollowedBy(noneOf(',)')))), map(many(noneOf(',)')), join))
const pListVal = left(right(lexeme(char('(')), sepBy1(pListElement, char(','))), lexeme(char(')')))

const ciString = (s: string) => Array.from(s).reduce<Parser<string>>(
  (acc, c) => chain(acc, (prefix) => map(alt(char(c), char(c.toUpperCase())), (x) => prefix + x)),
  pure(''),
)
const pTriVal: Parser<TrileanValue> = label(
  alt(...(['null', 'not_null', 'true', 'false', 'unknown'] as const).map((v) => attempt(as(ciString(v), v)))),
  'isVal: (null, not_null, true, false, unknown)',
)

const ftsOps: FtsOperator[] = ['fts', 'plfts', 'phfts', 'wfts']

function pOperation(pSVal: Parser<string>): Parser<Operation> {
  const pIn = map(right(attempt(right(string('in'), pDelimiter)), pListVal), (values): Operation => ({ kind: 'in', values }))
  const pIs = map(right(attempt(right(string('is'), pDelimiter)), pTriVal), (value): Operation => ({ kind: 'is', value }))
  const pIsDist = map(right(attempt(right(string('isdistinct'), pDelimiter)), pSVal), (value): Operation => ({ kind: 'isdistinct', value }))
  const pFts = chain(alt(...ftsOps.map((op) => attempt(as(string(op), op)))), (op) =>
    chain(optional(attempt(between(char('('), char(')'), pIdentifier))), (language) =>
      right(pDelimiter, map(pSVal, (value): Operation => ({ kind: 'fts', op, value, ...(language !== undefined && { language }) }))),
    ),
  )
  const pSimpleOp = chain(pSimpleOperator, (op) => right(pDelimiter, map(pSVal, (value): Operation => ({ kind: 'simple', op, value }))))
  const pQuantifier = attempt(between(char('('), char(')'), alt(attempt(as(string('any'), 'any' as const)), as(string('all'), 'all' as const))))
  const pQuantOp = chain(pQuantOperator, (op) =>
    chain(optional(pQuantifier), (quantifier) =>
      right(pDelimiter, map(pSVal, (value): Operation => ({ kind: 'quant', op, value, ...(quantifier !== undefined && { quantifier }) }))),
    ),
  )
  return label(alt(pIn, pIs, pIsDist, attempt(pFts), attempt(pSimpleOp), attempt(pQuantOp)), 'operator (eq, gt, ...)')
}

const pNegation = alt(attempt(as(right(string('not'), pDelimiter), true)), pure(false))

export function pOpExpr(pSVal: Parser<string>): Parser<{ negated: boolean; operation: Operation }> {
  return chain(pNegation, (negated) => map(pOperation(pSVal), (operation) => ({ negated, operation })))
}

export const pSingleVal: Parser<string> = map(many(anyChar), join)

// ---- order ----

const pOrderEnd = alt(attempt(as(lookAhead(char(',')), undefined)), attempt(eof))
const pOrdDir = alt(
  attempt(right(pDelimiter, as(string('asc'), 'asc' as const))),
  attempt(right(pDelimiter, as(string('desc'), 'desc' as const))),
)
const pNulls = alt(
  attempt(right(pDelimiter, as(string('nullsfirst'), 'first' as const))),
  attempt(right(pDelimiter, as(string('nullslast'), 'last' as const))),
)
const pNullsAndEnd = alt(left(optional(pNulls), pOrderEnd), as(pOrderEnd, undefined))

function orderTerm(field: Field, dir?: 'asc' | 'desc', nulls?: 'first' | 'last', relation?: string): OrderTerm {
  return { field, ...(relation !== undefined && { relation }), ...(dir !== undefined && { direction: dir }), ...(nulls !== undefined && { nulls }) }
}

const pOrderTerm = chain(pField, (field) => chain(optional(pOrdDir), (dir) => map(pNullsAndEnd, (nulls) => orderTerm(field, dir, nulls))))
const pOrderRelationTerm = chain(pFieldName, (relation) =>
  chain(between(char('('), char(')'), pField), (field) =>
    chain(optional(pOrdDir), (dir) => map(pNullsAndEnd, (nulls) => orderTerm(field, dir, nulls, relation))),
  ),
)
export const pOrder: Parser<OrderTerm[]> = sepBy1(lexeme(alt(attempt(pOrderRelationTerm), pOrderTerm)), char(','))

// ---- logic trees ----

const pPgArray = chain(string('{'), (a) => chain(many(noneOf('{}')), (b) => map(string('}'), (c) => a + join(b) + c)))
const pLogicSingleVal: Parser<string> = alt(
  attempt(left(pQuotedValue, notFollowedBy(noneOf(',)')))),
  attempt(pPgArray),
  map(many(noneOf(',)')), join),
)
const pLogicFilter: Parser<Filter> = chain(left(pField, pDelimiter), (field) =>
  map(pOpExpr(pLogicSingleVal), ({ negated, operation }) => ({ field, negated, operation })),
)
const pNot = label(alt(attempt(as(right(string('not'), pDelimiter), true)), pure(false)), 'negation operator (not)')
const pLogicOp = label(alt(attempt(as(string('and'), 'and' as const)), as(string('or'), 'or' as const)), 'logic operator (and, or)')

export const pLogicTree: Parser<LogicTree> = (s) =>
  alt<LogicTree>(
    map(attempt(pLogicFilter), (filter) => ({ type: 'filter', filter })),
    chain(pNot, (negated) =>
      chain(pLogicOp, (operator) =>
        map(left(right(lexeme(char('(')), sepBy1(pLogicTree, lexeme(char(',')))), lexeme(char(')'))), (children) => ({
          type: 'expr', negated, operator, children,
        })),
      ),
    ),
  )(s)

/** `a.not.or` → path ['a'], operator "not.or". */
export const pLogicPath: Parser<{ path: EmbedPath; op: string }> = map(sepBy1(pFieldName, pDelimiter), (names) => {
  const op = names[names.length - 1] ?? ''
  const path = names.slice(0, -1)
  return { path: path.filter((n) => n !== 'not'), op: path.includes('not') ? `not.${op}` : op }
})

export const pColumns: Parser<string[]> = sepBy1(pFieldName, lexeme(char(',')))

// Re-exported for tests of the core.
export { satisfy }
