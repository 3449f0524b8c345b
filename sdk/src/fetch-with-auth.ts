/**
 * The fetch every HTTP part of the client shares: it adds the `apikey` and, unless the caller set
 * one, `Authorization: Bearer <the session's access token, or the key>`, as supabase-js does, so
 * a signed-in user's calls run under their rules without each library knowing about the session.
 */

export type Fetch = typeof fetch

export function fetchWithAuth(apiKey: string, getAccessToken: () => Promise<string | null>, customFetch?: Fetch): Fetch {
  // Looked up at call time, not captured: a polyfill or a test may install fetch later.
  const base: Fetch = customFetch ?? ((input, init) => fetch(input, init))
  return async (input, init) => {
    const headers = new Headers(init?.headers)
    if (!headers.has('apikey')) headers.set('apikey', apiKey)
    if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${(await getAccessToken()) ?? apiKey}`)
    return base(input, { ...init, headers })
  }
}
