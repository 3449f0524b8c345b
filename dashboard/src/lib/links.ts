/** Places outside the dashboard it links to. */

/** The server's API reference (Swagger UI, at /docs). */
export const DOCS_URL = '/docs'
