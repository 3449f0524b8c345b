// node-postgres's value serialiser (the one it applies to query parameters); untyped upstream.
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown }
  export default utils
}
