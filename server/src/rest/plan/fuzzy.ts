/**
 * "Perhaps you meant ..." suggestions, after the FuzzySet PostgREST uses (Data.FuzzySet, the
 * fuzzyset.js algorithm): cosine similarity of 3-grams then 2-grams, rescored by Levenshtein,
 * minimum score 0.33, an exact (case-insensitive) match first.
 */
const normalize = (s: string) => s.toLowerCase().replace(/[^a-z0-9\u00C0-\u00FF, ]+/g, '')

function grams(value: string, size: number): Map<string, number> {
  let s = `-${normalize(value)}-`
  while (s.length < size) s += '-'
  const counts = new Map<string, number>()
  for (let i = 0; i + size <= s.length; i++) {
    const g = s.slice(i, i + size)
    counts.set(g, (counts.get(g) ?? 0) + 1)
  }
  return counts
}

const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((a, c) => a + c * c, 0))

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] ?? 0
      prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = tmp
    }
  }
  return prev[b.length] ?? 0
}

function similarity(a: string, b: string): number {
  const [x, y] = [normalize(a), normalize(b)]
  const len = Math.max(x.length, y.length)
  return len === 0 ? 1 : 1 - levenshtein(x, y) / len
}

/** Candidates scored best first, each at least 0.33. */
export function fuzzyMatches(candidates: readonly string[], query: string): { score: number; value: string }[] {
  const exact = candidates.find((c) => c.toLowerCase() === query.toLowerCase())
  if (exact !== undefined) return [{ score: 1, value: exact }]
  for (const size of [3, 2]) {
    const q = grams(query, size)
    const scored = candidates
      .map((value) => {
        const g = grams(value, size)
        let dot = 0
        for (const [k, n] of q) dot += n * (g.get(k) ?? 0)
        return { value, score: dot === 0 ? 0 : dot / (norm(q) * norm(g)) }
      })
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, 50)
      .map((r) => ({ value: r.value, score: similarity(r.value, query) }))
      .sort((a, b) => b.score - a.score)
      .filter((r) => r.score >= 0.33)
    if (scored.length > 0) return scored
  }
  return []
}

export const fuzzyBest = (candidates: readonly string[], query: string): string | undefined => fuzzyMatches(candidates, query)[0]?.value
