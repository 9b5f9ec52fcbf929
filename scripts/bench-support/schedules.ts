/** The polling part of the benchmark: the cases, their tables, and the issue's goals checked against them. */
import { runCase, type Case, type CaseResult, type HistoryKind, type Job, type Poller } from './polling.ts'
import { formatTable, type Column } from './table.ts'

const SEEDS = 400
const JOBS: readonly Job[] = [
  { name: '1 min', runMs: 60_000 },
  { name: '5 min', runMs: 300_000 },
  { name: '20 min', runMs: 1_200_000 },
  { name: '1 h', runMs: 3_600_000 },
  { name: '3 h', runMs: 10_800_000 }
]
const SEVENTY_FIVE: Job = { name: '75 s', runMs: 75_000 }
const SPREADS = [0.05, 0.15, 0.3]
const HISTORY: Poller = { name: 'history', schedule: 'history' }
const TODAY: Poller = { name: 'today (backoff)', schedule: 'backoff' }
const FIXED: Poller[] = [5, 10, 30, 60].map((s) => ({ name: `fixed ${s} s`, schedule: 'fixed', everyMs: s * 1000 }))

export type Results = Map<string, CaseResult>

const key = (job: Job, spread: number, poller: Poller, history: HistoryKind, failsEarly = false): string =>
  `${job.name}|${spread}|${poller.name}|${history}|${failsEarly}`

const s = (ms: number): string => (ms < 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(0))
/** `55.4 / 78 · 9.6 / 27 / 57`: requests mean / max · lateness median / p90 / max in seconds. */
const cell = (r: CaseResult): string =>
  `${r.meanRequests.toFixed(1)} / ${r.maxRequests} · ${s(r.medianLatenessMs)} / ${s(r.p90LatenessMs)} / ` +
  `${s(r.maxLatenessMs)}`

async function collect(results: Results, c: Case): Promise<CaseResult> {
  const k = key(c.job, c.spread, c.poller, c.history, c.failsEarly)
  const found = results.get(k) ?? (await runCase(c, SEEDS))
  results.set(k, found)
  return found
}

async function table(
  results: Results,
  title: string,
  pollers: { header: string; poller: Poller; history: HistoryKind }[],
  jobs: readonly Job[] = JOBS
): Promise<void> {
  const rows: string[][] = []
  for (const job of jobs)
    for (const spread of SPREADS) {
      const cells = []
      for (const p of pollers) cells.push(cell(await collect(results, { job, spread, ...p })))
      rows.push([job.name, `${spread * 100}%`, ...cells])
    }
  const columns: Column[] = [
    { header: 'job' },
    { header: 'spread', align: 'right' },
    ...pollers.map((p) => ({ header: p.header, align: 'right' as const }))
  ]
  console.log(formatTable(title, columns, rows))
  console.log()
}

export async function schedulesPart(): Promise<Results> {
  const results: Results = new Map()
  const legend =
    `cells: requests mean / max · lateness median / p90 / max (s); ${SEEDS} seeds per case; ` +
    'poll-interval 2 s, max-poll-interval 60 s'
  console.log(`Polling cost and lateness (fake clock, real waitForJobGroup and schedule); ${legend}\n`)
  await table(
    results,
    'History-aware schedule against today (10 past runs of the same spread)',
    [
      { header: 'history', poller: HISTORY, history: 'same' },
      { header: 'no history', poller: HISTORY, history: 'none' },
      { header: 'history 3 × too short', poller: HISTORY, history: 'short' },
      { header: 'today (backoff)', poller: TODAY, history: 'none' }
    ],
    [SEVENTY_FIVE, ...JOBS]
  )
  await table(
    results,
    'Fixed pollers',
    FIXED.map((poller) => ({ header: poller.name, poller, history: 'none' as const }))
  )
  const rows: string[][] = []
  for (const job of JOBS)
    for (const poller of [HISTORY, TODAY]) {
      const r = await collect(results, { job, spread: 0.05, poller, history: 'same', failsEarly: true })
      rows.push([job.name, poller.name, cell(r), r.worstFailRatio.toFixed(2), r.worstFailRatio <= 1 ? 'ok' : 'OVER'])
    }
  const columns: Column[] = [
    { header: 'job' },
    { header: 'schedule' },
    { header: 'requests · lateness', align: 'right' },
    { header: 'worst lateness / bound', align: 'right' },
    { header: 'within' }
  ]
  const title = 'A job that fails in the first half of its usual duration (bound: max(2 s, 25% of its time, 5 min))'
  console.log(formatTable(title, columns, rows))
  return results
}

/** The issue's goals, each with the figures that decide it. */
export function checkGoals(results: Results): void {
  const get = (job: Job, spread: number, poller: Poller, history: HistoryKind): CaseResult =>
    results.get(key(job, spread, poller, history))!
  const [, five, , hour] = JOBS as [Job, Job, Job, Job, Job]
  const lines: [boolean, string][] = []
  const h = get(hour, 0.05, HISTORY, 'same')
  lines.push([
    h.meanRequests <= 60 && h.medianLatenessMs <= 10_000,
    `1 h, 5%: ${cell(h)} (≤ 60 requests, median ≤ 10 s)`
  ])
  const f = get(five, 0.05, HISTORY, 'same')
  lines.push([f.medianLatenessMs <= 3_500, `5 min, 5%: ${cell(f)} (median ≤ 3.5 s)`])
  const t = get(SEVENTY_FIVE, 0.05, HISTORY, 'same')
  const tOk = t.medianLatenessMs <= 3_000 && t.maxLatenessMs <= 5_000 && t.maxRequests <= 21
  lines.push([tOk, `75 s, 5%: ${cell(t)} (median ≤ 3 s, max ≤ 5 s, ≤ 21 requests)`])
  for (const job of JOBS)
    for (const spread of [0.15, 0.3]) {
      const a = get(job, spread, HISTORY, 'same')
      const b = get(job, spread, TODAY, 'none')
      const fewer = 1 - a.meanRequests / b.meanRequests
      const ok = a.medianLatenessMs <= b.medianLatenessMs && fewer >= 0.3
      lines.push([
        ok,
        `${job.name}, ${spread * 100}%: ${(fewer * 100).toFixed(0)}% fewer requests, median ` +
          `${s(a.medianLatenessMs)} s against today's ${s(b.medianLatenessMs)} s (no worse, about 40% fewer)`
      ])
    }
  for (const job of JOBS)
    for (const history of ['none', 'short'] as const) {
      const cases = SPREADS.map((sp) => [get(job, sp, HISTORY, history), get(job, sp, TODAY, 'none')] as const)
      const more = cases.map(([a, b]) => a.meanRequests - b.meanRequests)
      const ratios = cases.map(([a]) => a.worstBackoffRatio)
      const what = history === 'none' ? 'no history' : 'history 3 × too short'
      const signed = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`
      lines.push([
        Math.max(...more) <= 1 && Math.max(...ratios) <= 1.001,
        `${job.name}, ${what}, spreads ${SPREADS.map((sp) => `${sp * 100}%`).join(' / ')}: requests against ` +
          `today ${more.map(signed).join(' / ')} (≤ +1); worst lateness ` +
          `${ratios.map((r) => r.toFixed(2)).join(' / ')} × today's bound (≤ 1)`
      ])
    }
  const failing = JOBS.every((job) => results.get(key(job, 0.05, HISTORY, 'same', true))!.worstFailRatio <= 1)
  lines.push([failing, 'a job that fails early is noticed within max(poll-interval, 25% of its time, 5 min)'])
  console.log('Goals (issue 22)')
  for (const [ok, text] of lines) console.log(`${ok ? 'met    ' : 'NOT met'}  ${text}`)
}
