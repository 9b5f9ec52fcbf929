/** Which known word a typed one is nearest to, by edit distance (Levenshtein). Pure. */

/** The known word nearest to a typo (edit distance ≤ 3, case as typed), if any: for "did you mean …?". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 4
  for (const c of candidates) {
    const d = editDistance(word, c)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

/**
 * The known word that `word` is almost certainly a misspelling of, if any: not one of them, but the same when
 * case is ignored, or within 1 edit of a word under 8 letters, or within 2 edits of a longer one. `writeSetting`,
 * `profilr` and `Publications` resemble `writeSettings`, `profiler` and `publications`; `custom` resembles none.
 */
export function resembling(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(word)) return undefined
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase())
    if (d > (c.length < 8 ? 1 : 2)) continue
    // Between writesettings and writeSettings, the one whose case is nearer to what was typed.
    const rank = d * 1000 + editDistance(word, c)
    if (rank < bestDistance) {
      best = c
      bestDistance = rank
    }
  }
  return best
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]!
}
