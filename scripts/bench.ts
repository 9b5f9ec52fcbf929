/**
 * Benchmark, printed as plain-text tables.
 *
 * 1. Polling cost and lateness: the real `waitForJobGroup` and schedule on a fake clock (no real waiting), for jobs
 *    of 1 min to 3 h whose durations vary by 5%, 15% and 30% (standard deviation), over many seeds: the
 *    history-aware schedule (10 past runs of the same spread, 3 × too short, or none) against today's backoff
 *    and fixed 5/10/30/60 s pollers: requests (the lookup included) and lateness (median, p90, max); a job that
 *    fails early; and the goals, checked.
 * 2. Start-up and exit: the committed bundles (dist/index.js to its first request and to its exit; the post step
 *    to its exit) as ratios to `node -e 0`, measured pair by pair in one run (medians of the ratios).
 *
 * Run with `npm run bench`.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { measureStartUp } from './bench-support/cold-start.ts'
import { checkGoals, schedulesPart } from './bench-support/schedules.ts'

const BUNDLE = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const POST_BUNDLE = fileURLToPath(new URL('../dist/post/index.js', import.meta.url))

async function startUpPart(): Promise<void> {
  const title = 'Start-up and exit, as ratios to node -e 0 measured in the same pair'
  if (!existsSync(BUNDLE) || !existsSync(POST_BUNDLE)) {
    console.log(`${title}\nSkipped: dist/ is missing (run npm run bundle).`)
    return
  }
  console.log(await measureStartUp(BUNDLE, POST_BUNDLE, title))
}

const results = await schedulesPart()
console.log()
checkGoals(results)
console.log()
await startUpPart()
