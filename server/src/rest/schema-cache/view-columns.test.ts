import { describe, expect, it } from 'vitest'
import { parseViewOrigins, resolveViewOrigins } from './view-columns.js'

// Trimmed from a real pg_rewrite.ev_action: unused fields dropped, the shapes that matter kept
// (a Const datum in brackets, an escaped name with a space and braces, a junk entry, `<>`).
const TREE =
  '({QUERY :commandType 1 :utilityStmt <> :rtable ({RANGETBLENTRY :eref {ALIAS :aliasname b :colnames ("id" "a\\ b")} :relid 16944}) ' +
  ':targetList (' +
  '{TARGETENTRY :expr {VAR :varno 1 :varattno 1} :resno 1 :resname id :ressortgroupref 0 :resorigtbl 16944 :resorigcol 1 :resjunk false} ' +
  '{TARGETENTRY :expr {CONST :consttype 23 :constlen 4 :constbyval true :constisnull false :location 9 :constvalue 4 [ 1 0 0 0 0 0 0 0 ]} :resno 2 :resname one :ressortgroupref 0 :resorigtbl 0 :resorigcol 0 :resjunk false} ' +
  '{TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 3 :resname weird\\ \\{name\\} :ressortgroupref 0 :resorigtbl 16944 :resorigcol 2 :resjunk false} ' +
  '{TARGETENTRY :expr {VAR :varno 1 :varattno 3} :resno 4 :resname <> :ressortgroupref 1 :resorigtbl 16944 :resorigcol 3 :resjunk true}' +
  ') :override 0 :onConflict <> :setOperations <>})'

describe('parseViewOrigins', () => {
  it('maps each plain column to its origin and skips expressions and junk entries', () => {
    expect(parseViewOrigins(TREE)).toEqual(
      new Map([
        [1, { relid: 16944, attnum: 1 }],
        [3, { relid: 16944, attnum: 2 }],
      ]),
    )
  })

  it('follows a view of a view down to the table', () => {
    const onTop = TREE.replaceAll('16944', '500')
    const resolved = resolveViewOrigins([
      { oid: 500, definition: TREE },
      { oid: 600, definition: onTop },
    ])
    // 600.1 → 500.1 → table column 1; 600.3 → 500.2, which is an expression: no origin
    expect(resolved.get(600)).toEqual(new Map([[1, { relid: 16944, attnum: 1 }]]))
  })

  it('gives a definition it cannot parse no origins instead of failing the load', () => {
    const errors: number[] = []
    const resolved = resolveViewOrigins([{ oid: 7, definition: '({QUERY :targetList (' }], (oid) => errors.push(oid))
    expect(resolved.get(7)!.size).toBe(0)
    expect(errors).toEqual([7])
  })
})
