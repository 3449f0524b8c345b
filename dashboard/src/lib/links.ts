/** Places outside the dashboard it links to. */

/** The server's API reference (Scalar, at /docs). */
export const DOCS_URL = '/docs'
