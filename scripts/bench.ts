/**
 * Benchmark, printed as plain-text tables.
 *
 * 1. Polling cost and lateness: the real `waitForJobGroup` on a fake clock (no real waiting) against simulated
 *    jobs of 20 s, 2 min, 10 min and 1 h, with the action's default backoff (2 s to 60 s) and a fixed 10 s poller,
 *    each over 200 seeds of the delay jitter: status requests made, and the worst time between the job's
 *    completion and the check that saw it, against the bound max(2 s, 10% of run time).
 * 2. Cold start: time from spawning the committed bundle (dist/index.js) to its first HTTP request, to a local
 *    server answering 401, against the run time of `node -e 0` on the same machine (medians of 10 runs).
 *
 * Run with `npm run bench`.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { measureColdStart } from './bench-support/cold-start.ts'
import { runCase, type CaseResult, type Job, type Poller } from './bench-support/polling.ts'
import { formatTable, type Column } from './bench-support/table.ts'

const SEEDS = 200
const JOBS: readonly Job[] = [
  { name: '20 s', runMs: 20_000 },
  { name: '2 min', runMs: 120_000 },
  { name: '10 min', runMs: 600_000 },
  { name: '1 h', runMs: 3_600_000 }
]
const DEFAULTS: Poller = { name: 'defaults (2 s to 60 s)', minDelayMs: 2_000, maxDelayMs: 60_000 }
const FIXED: Poller = { name: 'fixed 10 s', minDelayMs: 10_000, maxDelayMs: 10_000 }
/** The request budget for the 1 h job. */
const MAX_REQUESTS_1H = 100
const BUNDLE = fileURLToPath(new URL('../dist/index.js', import.meta.url))

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function withinBound(result: CaseResult): boolean {
  return result.withinBound
}

async function pollingPart(): Promise<void> {
  const results: CaseResult[] = []
  for (const job of JOBS) for (const poller of [DEFAULTS, FIXED]) results.push(await runCase(job, poller, SEEDS))
  const rows = results.map((r) => [
    r.job.name,
    r.poller.name,
    `${r.meanRequests.toFixed(1)} / ${r.maxRequests}`,
    seconds(r.worstLatenessMs),
    seconds(r.boundMs),
    withinBound(r) ? 'ok' : 'OVER'
  ])
  const title = `Polling cost and lateness (fake clock, real waitForJobGroup, ${SEEDS} seeds per case, deadline 6 h)`
  const columns: Column[] = [
    { header: 'job' },
    { header: 'poller' },
    { header: 'requests (mean / max)', align: 'right' },
    { header: 'worst lateness', align: 'right' },
    { header: 'bound', align: 'right' },
    { header: 'within bound' }
  ]
  console.log(formatTable(title, columns, rows))
  console.log()
  console.log(
    `Goal: lateness within max(2 s, 10% of run time); at most ${MAX_REQUESTS_1H} status requests for the 1 h job ` +
      '(fixed 10 s poller: 360)'
  )
  const hour = results.find((r) => r.job.runMs === 3_600_000 && r.poller === DEFAULTS)!
  const met = withinBound(hour) && hour.maxRequests <= MAX_REQUESTS_1H
  console.log(
    `Defaults, 1 h job: ${met ? 'goal met' : 'goal NOT met'} (at most ${hour.maxRequests} requests, ` +
      `worst lateness ${seconds(hour.worstLatenessMs)})`
  )
}

async function coldStartPart(): Promise<void> {
  const title = 'Cold start (spawn to first HTTP request of dist/index.js, vs spawn to exit of node -e 0)'
  if (!existsSync(BUNDLE)) {
    console.log(`${title}\nSkipped: ${BUNDLE} is missing (run npm run bundle).`)
    return
  }
  const { action, nodeNoop, runs } = await measureColdStart(BUNDLE)
  const rows = [
    ['action: spawn to first request', action.medianMs.toFixed(1), action.minMs.toFixed(1)],
    ['node -e 0: spawn to exit', nodeNoop.medianMs.toFixed(1), nodeNoop.minMs.toFixed(1)]
  ]
  const columns: Column[] = [
    { header: 'what' },
    { header: 'median ms', align: 'right' },
    { header: 'min ms', align: 'right' }
  ]
  console.log(formatTable(`${title}, ${runs} runs each after 1 warm-up`, columns, rows))
  console.log()
  const ratio = (action.medianMs / nodeNoop.medianMs).toFixed(2)
  console.log(`Ratio (action first request median / node -e 0 median): ${ratio}x`)
}

await pollingPart()
console.log()
await coldStartPart()
