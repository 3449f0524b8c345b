/**
 * A result cell, from Postgres' text output to a JSON-safe value. Numbers that JSON carries
 * exactly stay numbers; int8, numeric and money stay strings (as node-postgres gives them), so no
 * digit is lost; json/jsonb are parsed; timestamps get ISO 8601's `T`; everything else is
 * Postgres' own text (bytea as `\x…` hex, arrays as `{…}` literals, intervals, ranges). The
 * column's type travels with the result, so the dashboard's grid can format any of them.
 */
export type CellValue = string | number | boolean | null | JsonValue

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

const OID = {
  bool: 16,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  json: 114,
  jsonb: 3802,
  timestamp: 1114,
  timestamptz: 1184,
} as const

const ISO_TIMESTAMP = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d)/

/** A converter per column, chosen once from its type oid. */
export function cellParser(typeOid: number): (text: string) => CellValue {
  switch (typeOid) {
    case OID.bool:
      return (t) => t === 't'
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return Number
    case OID.float4:
    case OID.float8:
      // NaN and ±Infinity have no JSON number.
      return (t) => (Number.isFinite(Number(t)) ? Number(t) : t)
    case OID.json:
    case OID.jsonb:
      return (t) => JSON.parse(t) as JsonValue
    case OID.timestamp:
    case OID.timestamptz:
      // Only the ISO DateStyle (Postgres' default) is rewritten; another style, infinity, BC stay as sent.
      return (t) => t.replace(ISO_TIMESTAMP, '$1T$2')
    default:
      return (t) => t
  }
}
