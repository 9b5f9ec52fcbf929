/**
 * State: the only place that saves or reads what the main step leaves for the post step, through named
 * operations. The post step trusts nothing it reads: anything missing or malformed means "do nothing".
 */
import * as core from '@actions/core'
import { redact } from '../shared/secrets.ts'
import { write } from './file-commands.ts'

/** A GITHUB_STATE that cannot be written is kept as a failure of the step (file-commands.ts), never thrown. */
const save = (key: string, value: string): void =>
  void write('GITHUB_STATE', 'the state', () => core.saveState(key, value))

export type RunKindName = 'recipe' | 'job-group' | 'flow' | 'plan'

/** What identifies a run, saved for the post step. */
export interface RunRef {
  kind: RunKindName
  /** The run's own id: the job group id, the flow run id, or the plan snapshot run id. */
  id: number
  /** Its job groups, where known (a plan's are not known when it starts). */
  jobGroupIds: number[]
}

const KEY = {
  kind: 'kind',
  runId: 'runId',
  jobId: 'jobId',
  jobIds: 'jobIds',
  triggered: 'triggered',
  requestId: 'requestId',
  waiting: 'waiting',
  settled: 'settled',
  accessToken: 'accessToken'
} as const

const KINDS: readonly RunKindName[] = ['recipe', 'job-group', 'flow', 'plan']

/** What the main step saved about its run. */
export interface SavedRun {
  ref: RunRef
  /** This step started the run (not attached with job-id). */
  triggered: boolean
  /** This step was asked to wait for it. */
  waiting: boolean
  /** The x-trifacta-request-id of the call that started it. */
  requestId: string
  /** The main step saw a terminal status or dealt with the ending itself (cancelled, or chose not to). */
  settled: boolean
}

/** The run exists: saved at once, so that the post step can cancel it if the main step is killed. */
export function saveStarted(ref: RunRef, options: { triggered: boolean; waiting: boolean; requestId: string }): void {
  save(KEY.requestId, redact(options.requestId))
  save(KEY.kind, ref.kind)
  save(KEY.runId, String(ref.id))
  save(KEY.jobId, String(ref.jobGroupIds[0] ?? ref.id))
  save(KEY.jobIds, ref.jobGroupIds.join(','))
  save(KEY.triggered, String(options.triggered))
  save(KEY.waiting, String(options.waiting))
}

/** The main step has dealt with the run's ending: the post step must leave it alone. */
export function saveSettled(): void {
  save(KEY.settled, 'true')
}

/**
 * The saved run, or undefined (with the reason) when nothing usable was saved. Ids must be safe positive
 * integers and flags exactly `true` or `false`. Pure but for the getter.
 */
export function readSavedRun(getState: (key: string) => string): { run?: SavedRun; why?: string } {
  const kind = getState(KEY.kind) as RunKindName
  if (!getState(KEY.runId)) return { why: 'no run was saved' }
  if (!KINDS.includes(kind)) return { why: `the saved kind '${kind}' is unknown` }
  const id = positiveId(getState(KEY.runId))
  const jobGroupIds = getState(KEY.jobIds) === '' ? [] : getState(KEY.jobIds).split(',').map(positiveId)
  if (id === undefined || jobGroupIds.some((j) => j === undefined)) return { why: 'the saved ids are malformed' }
  const flags = [KEY.triggered, KEY.waiting].map((key) => getState(key))
  if (flags.some((f) => f !== 'true' && f !== 'false')) return { why: 'the saved flags are malformed' }
  return {
    run: {
      ref: { kind, id, jobGroupIds: jobGroupIds as number[] },
      triggered: flags[0] === 'true',
      waiting: flags[1] === 'true',
      requestId: getState(KEY.requestId).slice(0, 100),
      settled: getState(KEY.settled) === 'true'
    }
  }
}

/**
 * The post step cancels only a run this step started and was waiting for, that it never saw finish, and only
 * when `cancel-on-workflow-cancel` is true: then the main step was killed before it could cancel. Pure.
 */
export function postStepShouldCancel(run: SavedRun, cancelOnWorkflowCancel: boolean): boolean {
  return run.triggered && run.waiting && !run.settled && cancelOnWorkflowCancel
}

/**
 * The access token in use (OAuth 2.0 sign-in), saved each time it changes, so that the post step can cancel with
 * it after the main step was killed, without refreshing (which would rotate the refresh token). It is masked.
 */
export function saveAccessToken(token: string): void {
  save(KEY.accessToken, token)
}

/** The access token the main step saved last, or '' when none. Pure but for the getter. */
export function readSavedAccessToken(getState: (key: string) => string): string {
  const token = getState(KEY.accessToken).trim()
  return /^[\x21-\x7e]+$/.test(token) ? token : ''
}

function positiveId(text: string): number | undefined {
  const n = Number(text)
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n > 0 ? n : undefined
}
