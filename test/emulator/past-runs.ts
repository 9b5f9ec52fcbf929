// Past runs of recipes, as the job library lists them (PROFILE-AND-RESULTS.md "Past runs of the same recipe": a
// recipe's recent runs are job groups with `wrangledDataset: {id}`, `status`, `createdAt` and `updatedAt`, and the
// duration of a Complete one is updatedAt − createdAt). They are made when the emulator starts, already ended.
import type { JobStore } from './jobs.ts'
import type { PastRunsOption } from './types.ts'

// inferred: the gap between one past run's end and the next one's start; no source states a cadence.
const GAP_MS = 10 * 60_000

/**
 * For each recipe, its past runs one after another, the most recent ending GAP_MS before `now`; durations are
 * given most recent first. Created oldest first, so ids grow with createdAt as for any job group.
 */
export function addPastRuns(store: JobStore, pastRuns: PastRunsOption | undefined, now: number): void {
  for (const [recipe, runs] of Object.entries(pastRuns ?? {})) {
    const recipeId = Number(recipe)
    let endAt = now - GAP_MS
    const starts = runs.map((run) => {
      const { durationMs } = typeof run === 'number' ? { durationMs: run } : run
      const createdAt = endAt - durationMs
      endAt = createdAt - GAP_MS
      return { createdAt, durationMs, finalStatus: typeof run === 'number' ? undefined : run.status }
    })
    for (const start of starts.reverse()) {
      const scenario = { durationMs: start.durationMs, finalStatus: start.finalStatus }
      store.create({ recipeId, scenario, origin: 'past' }, start.createdAt)
    }
  }
}
