/**
 * The reads for the data in the report: the profile of each completed job group (at most `MAX_PROFILED`), the
 * baseline the `baseline` input asks for and its profile, then the comparison and the gate's verdict (pure, in
 * `quality/`). A failed read is a warning and shortens the report; it never fails the step by itself.
 */
import { DEFAULT_PAGE_ROWS, HISTORY_PAGE_ROWS } from '../api/history-pages.ts'
import type { Budget } from '../api/api-client.ts'
import type { JobGroup, JobGroupsApi } from '../api/job-groups.ts'
import { ApiError } from '../api/api-error.ts'
import { ProfilesApi } from '../api/profiles-api.ts'
import type { Config } from '../inputs/inputs.ts'
import { describeBaseline, pickBaseline, type Baseline } from '../quality/baseline.ts'
import { compareProfiles } from '../quality/compare.ts'
import type { BaselineState, JobQuality, ProfileState, QualityReport } from '../quality/job-quality.ts'
import { readProfileAnswer } from '../quality/profile.ts'
import { judge } from '../quality/verdict.ts'
import type { RunReport } from '../report/report.ts'
import { describePart } from '../report/run-parts.ts'
import { log } from '../shared/log.ts'

/** Job groups whose profile is read, at most (a flow's or plan's). */
export const MAX_PROFILED = 10
/** Pages of the job library read to find a baseline (of HISTORY_PAGE_ROWS; DEFAULT_PAGE_ROWS may be full). */
const LIBRARY_PAGES = 3
/** The data's reads end within the report's budget and this long; a read failing for `PERSIST_MS` gives up. */
const READS_MS = 20_000
const PERSIST_MS = 8_000

interface Target {
  jobGroupId: number
  label: string
  recipeId?: number
}

/** The run's completed job groups, as the report names them. */
function completedJobGroups(report: RunReport): Target[] {
  if (report.composite) {
    return report.composite.parts.flatMap((part) =>
      part.jobGroupId !== undefined && part.status === 'Complete'
        ? [{ jobGroupId: part.jobGroupId, label: describePart(part), recipeId: part.recipeId }]
        : []
    )
  }
  if (report.jobId === undefined || report.status !== 'Complete') return []
  return [{ jobGroupId: report.jobId, label: `job ${report.jobId}`, recipeId: report.recipeId }]
}

/** The data's part of the report; undefined when there is nothing to tell (no completed job group, no gate). */
export async function readQuality(
  api: JobGroupsApi,
  config: Config,
  report: RunReport,
  budget: Budget
): Promise<QualityReport | undefined> {
  const targets = completedJobGroups(report)
  if (targets.length === 0 && !config.qualityGate) return undefined
  const deadline = Math.min(budget.deadline, api.client.clock.now() + READS_MS)
  const reads = { deadline, persistMs: PERSIST_MS, signal: budget.signal }
  const reader = new QualityReader(api, config.baseline, reads, new Set(report.jobGroupIds ?? []))
  const jobs: JobQuality[] = []
  for (const target of targets.slice(0, MAX_PROFILED)) jobs.push(await reader.job(target))
  const jobsOmitted = Math.max(0, targets.length - MAX_PROFILED)
  const verdict = judge(config.qualityGate, jobs, report.ending === 'complete')
  // A gate cannot vouch for job groups it did not see.
  if (verdict.status !== 'not-checked' && jobsOmitted > 0) {
    const limit = `at most ${MAX_PROFILED} job groups are profiled`
    verdict.failures.push({ output: `${jobsOmitted} more job groups`, check: 'profile', figure: 'not read', limit })
    verdict.status = 'failed'
  }
  const baselineAsked = config.baseline && describeBaseline(config.baseline)
  return { jobs, verdict, jobsOmitted, notes: [], ...(baselineAsked && { baselineAsked }) }
}

/** Why a job group named as the baseline cannot be one of `target`: this run's own, or another recipe's. */
function unfitBaseline(group: JobGroup, target: Target, ownIds: ReadonlySet<number>): string | undefined {
  if (group.id === target.jobGroupId || ownIds.has(group.id)) return `job group ${group.id} is this run's own`
  const recipe = group.wrangledDataset?.id
  if (target.recipeId === undefined || recipe === target.recipeId) return undefined
  const ran = recipe === undefined ? 'a recipe it does not name' : `recipe ${recipe}`
  return `job group ${group.id} ran ${ran}, not recipe ${target.recipeId}`
}

class QualityReader {
  private readonly profiles: ProfilesApi
  private readonly pages = new Map<string, Promise<{ groups: JobGroup[]; rows: number }>>()
  private readonly api: JobGroupsApi
  private readonly baseline?: Baseline
  private readonly budget: Budget
  private readonly ownIds: ReadonlySet<number>
  constructor(api: JobGroupsApi, baseline: Baseline | undefined, budget: Budget, ownIds: ReadonlySet<number>) {
    this.api = api
    this.profiles = new ProfilesApi(api.client)
    this.baseline = baseline
    this.budget = budget
    this.ownIds = ownIds
  }

  async job(target: Target): Promise<JobQuality> {
    const profile = await this.profile(target.jobGroupId, true)
    const baseline = this.baseline && (await this.findBaseline(target))
    const comparisons =
      profile.kind === 'profiled' && baseline?.kind === 'found' && baseline.profile.kind === 'profiled'
        ? compareProfiles(profile.outputs, baseline.profile.outputs)
        : []
    return { jobGroupId: target.jobGroupId, label: target.label, profile, baseline, comparisons }
  }

  /** A job group's profile, or why there is none; `warn`: a failed read is a warning. */
  private async profile(jobId: number, warn: boolean): Promise<ProfileState> {
    try {
      const answer = await this.profiles.read(jobId, this.budget)
      if (answer.kind === 'not-profiled')
        return { kind: 'none', reason: 'not-profiled', why: `job ${jobId} ran without profiling` }
      if (answer.kind === 'unsupported') {
        const why = 'this edition serves no job-group profiles (GET …/profileResults and …/profile answered 404)'
        return { kind: 'none', reason: 'unsupported', why }
      }
      const outputs = readProfileAnswer(answer.data)
      if (outputs.length > 0) return { kind: 'profiled', outputs }
      return { kind: 'none', reason: 'unreadable', why: `the profile of job ${jobId} holds no output that can be read` }
    } catch (error) {
      const message = `Could not read the profile of job ${jobId}: ${(error as Error).message}`
      if (warn) log.warning(message, { title: 'Data profile' })
      else log.debug(message)
      return { kind: 'none', reason: 'unreadable', why: `its profile could not be read (${(error as Error).message})` }
    }
  }

  private async findBaseline(target: Target): Promise<BaselineState> {
    const baseline = this.baseline!
    try {
      if (baseline.kind === 'job') {
        const group = await this.api.get(baseline.jobId, this.budget).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return undefined
          throw error
        })
        if (!group) return { kind: 'missing', why: `job group ${baseline.jobId} was not found (404)` }
        const unfit = unfitBaseline(group, target, this.ownIds)
        return unfit ? { kind: 'missing', why: unfit } : this.found(group)
      }
      const own = await this.api.get(target.jobGroupId, this.budget)
      const recipeId = target.recipeId ?? own.wrangledDataset?.id
      if (recipeId === undefined) return { kind: 'missing', why: `the recipe of job ${target.jobGroupId} is not known` }
      const before = Date.parse(own.createdAt ?? '')
      const wanted = {
        kind: baseline.kind,
        recipeId,
        exclude: this.ownIds,
        before: Number.isFinite(before) ? before : undefined
      }
      let offset = 0
      for (let page = 0; page < LIBRARY_PAGES; page++) {
        // The next page starts after the rows received, not after the rows asked for (the server may cap pages).
        const { groups: rows, rows: received } = await this.page(baseline.kind, offset)
        offset += received
        const choice = pickBaseline(rows, wanted, received >= DEFAULT_PAGE_ROWS)
        if ('found' in choice) return this.found(choice.found)
        if (!choice.readMore) return { kind: 'missing', why: choice.none }
      }
      return { kind: 'missing', why: `none in the last ${offset} runs of the job library` }
    } catch (error) {
      const message = (error as Error).message
      log.warning(`Could not find the baseline of job ${target.jobGroupId}: ${message}`, { title: 'Data profile' })
      return { kind: 'missing', why: `it could not be looked up (${message})` }
    }
  }

  private async found(group: JobGroup): Promise<BaselineState> {
    const profile = await this.profile(group.id, true)
    const createdAt = typeof group.createdAt === 'string' ? group.createdAt : undefined
    return { kind: 'found', jobGroupId: group.id, ...(createdAt && { createdAt }), profile }
  }

  /** One page of the job library's completed runs (scheduled ones only, for `scheduled`), read once per step. */
  private page(kind: 'scheduled' | 'last', offset: number): Promise<{ groups: JobGroup[]; rows: number }> {
    const key = `${kind} ${offset}`
    let read = this.pages.get(key)
    if (!read) {
      const query: Record<string, string> = {
        limit: String(HISTORY_PAGE_ROWS),
        offset: String(offset),
        sort: '-createdAt',
        ranfor: 'recipe',
        status: 'Complete',
        ...(kind === 'scheduled' && { ranfrom: 'schedule' })
      }
      read = this.api.list('/v4/jobLibrary', query, this.budget)
      this.pages.set(key, read)
    }
    return read
  }
}
