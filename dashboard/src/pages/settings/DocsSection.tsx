import { DOCS_URL } from '../../lib/links'

export function DocsSection() {
  return (
    <section className="section card" aria-labelledby="docs-title">
      <h2 id="docs-title">API docs</h2>
      <ul className="link-list">
        <li>
          <a href={DOCS_URL} target="_blank" rel="noreferrer">API reference</a> <span className="muted">— every endpoint, tried from the browser</span>
        </li>
        <li>
          <a href="/openapi.json" target="_blank" rel="noreferrer">OpenAPI document</a> <span className="muted">— /openapi.json, for code generators</span>
        </li>
      </ul>
      <p className="muted">
        Typed client: <code>@floe/sdk</code> (the repository's <code>sdk/</code>, not on npm yet) or <code>@supabase/supabase-js</code>, then{' '}
        <code>createClient(url, anonKey)</code>; types with{' '}
        <code>floe gen types typescript</code>.
      </p>
    </section>
  )
}
