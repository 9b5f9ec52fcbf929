// Flow runs: POST /v4/flows/{id}/run starts one job group per output, each a plain job group of the JobStore (so
// the /v4/jobGroups routes serve them too); GET /v4/flowRuns/{id}… derive everything from those job groups.
// Source: AAC-AUTH-FLOWS-PLANS.md "Running a whole flow"; names and types from aac-v4-jobgroup-derived.json
// (LFlowRunRequest, LRunFlowResult, LRunJobResult, LAsyncRunJobResult, LFlowRun, LFlowRunStatus), which is S1 of
// REAL-API-SHAPES.md (lists enveloped as {data: […]}, the status Created while the run runs).
import { jobGroupBody, jobGroupView, runJobBody } from './bodies.ts'
import type { FlowOutputSpec, FlowRunView, FlowSpec, OutputRunView } from './flow-types.ts'
import { isTerminal, positiveInteger, seenBy, statusAt, updatedAtOf } from './jobs.ts'
import type { JobGroup, JobStore, Replica } from './jobs.ts'
import { json, notFound, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'
import type { JobGroupOrigin, JobScenario, RecordedRequest } from './types.ts'

export type RunRequest = Pick<RecordedRequest, 'method' | 'path' | 'query' | 'headers' | 'body' | 'json'>
export type ScenarioFor = (recipeId: number) => JobScenario | undefined

/** Who starts a run: the client (origin 'api', the default) or another client ('foreign-job-group' fault). */
export interface RunBy {
  origin?: JobGroupOrigin
  /** Every job group of the run; default each output's (or task's) own scenario. */
  scenario?: JobScenario
}

// inferred: flow-run ids live in their own range, so a client mixing them up with job-group ids gets a 404.
const FIRST_FLOW_RUN_ID = 2001

/** A job group started for one output of a flow (or of a plan task). */
export interface OutputRun {
  readonly name: string
  readonly group: JobGroup
}

interface FlowRun {
  readonly id: number
  readonly flowId: number
  readonly createdAt: number
  readonly executionId?: string
  readonly runAsync: boolean
  readonly body: unknown
  readonly outputs: OutputRun[]
  readonly origin: JobGroupOrigin
}

/** The fields of LFlowRunRequest the emulator acts on; the rest is only validated and recorded. */
interface RunFlowRequest {
  wrangledDatasetIds?: number[]
  overrides?: Record<string, unknown>
  execution?: string
  runParameters?: unknown
}

export class FlowRuns {
  private readonly runs = new Map<number, FlowRun>()
  private readonly flows: Readonly<Record<number, FlowSpec>>
  private readonly store: JobStore
  private readonly scenarioFor: ScenarioFor
  private nextId = FIRST_FLOW_RUN_ID

  constructor(flows: Readonly<Record<number, FlowSpec>>, store: JobStore, scenarioFor: ScenarioFor) {
    this.flows = flows
    this.store = store
    this.scenarioFor = scenarioFor
  }

  /** POST /v4/flows/{id}/run (runFlow). */
  run(req: RunRequest, flowId: number, now: number, by: RunBy = {}): Reply {
    const body = objectBody(req)
    if (body === undefined) return validationFailed('The request body must be a JSON object')
    const request = parseRunFlow(body)
    if (typeof request === 'string') return validationFailed(request)
    const executionId = req.headers['x-execution-id']
    // A flow run with the same execution id exists already → 304, nothing created (its body is unspecified).
    // inferred: flow runs and job groups keep separate execution ids.
    if (executionId !== undefined && this.all().some((run) => run.executionId === executionId)) return { status: 304 }
    const flow = this.flows[flowId]
    if (flow === undefined) return notFound(`flow with id ${flowId} does not exist`)
    const outputs = selectOutputs(flow, request.wrangledDatasetIds)
    if (typeof outputs === 'string') return validationFailed(outputs)
    const id = this.nextId++
    const origin = by.origin ?? 'api'
    const run: FlowRun = {
      id,
      flowId,
      createdAt: now,
      executionId,
      // inferred: only the literal 'true' asks for the short answer.
      runAsync: req.query.runAsync === 'true',
      body: req.json,
      origin,
      outputs: outputs.map((output) =>
        startOutput(this.store, output, by.scenario ?? output.scenario ?? this.scenarioFor(output.recipeId), now, {
          flowRunId: id,
          overrides: outputOverrides(request, output.name),
          runParameters: request.runParameters,
          origin
        })
      )
    }
    this.runs.set(id, run)
    // inferred: with runAsync the short answer's id is the flow run's id (its job groups are listed by
    // GET /v4/flowRuns/{id}/jobGroups), and its reason the same 'JobStarted'; the job groups exist at once.
    if (run.runAsync) return json(201, { id, reason: 'JobStarted' })
    return json(201, {
      flowRunId: id,
      data: run.outputs.map(({ group }) => ({ ...runJobBody(group), flowRun: { id } }))
    })
  }

  /**
   * GET /v4/flows/{id}: the flow itself (read by a client that checks a run without starting it).
   * inferred: no source gives its fields; id and name, as the other resources have them.
   */
  describe(flowId: number): Reply {
    const flow = this.flows[flowId]
    if (flow === undefined) return notFound(`flow with id ${flowId} does not exist`)
    return json(200, { id: flowId, name: flow.name ?? `Flow ${flowId}` })
  }

  /**
   * GET /v4/flowRuns/{id} (LFlowRun: id, createdAt, updatedAt, flow; no status in the spec).
   * inferred: updatedAt is the last status change of its job groups.
   */
  get(id: number, now: number, replica?: Replica): Reply {
    return this.with(id, replica, (run) => {
      const updatedAt = iso(lastUpdate(groupsOf(run), now, run.createdAt))
      return json(200, { id: run.id, createdAt: iso(run.createdAt), updatedAt, flow: { id: run.flowId } })
    })
  }

  /** GET /v4/flowRuns/{id}/status (S1 LFlowRunStatus): a bare JSON string (or the status a 'stale' fault pins). */
  status(id: number, now: number, replica?: Replica): Reply {
    return this.with(id, replica, (run) => json(200, replica?.status ?? flowRunStatus(run, now)))
  }

  /**
   * GET /v4/flowRuns/{id}/jobGroups: {data: [jobGroup…]}, each with its wrangledDataset and flowrun. The docs'
   * `embed` parameter: `embed=wrangledDataset` embeds each job group's recipe, and an association the resource does
   * not have answers 400 ValidationFailed "No association … Valid associations are …", as the docs show.
   * inferred: the embedded recipe's name is the output's name (the key of runFlow's overrides).
   */
  jobGroups(id: number, now: number, replica?: Replica, embed?: string): Reply {
    const unknown = (embed ?? '').split(',').filter((name) => name !== '' && name !== 'wrangledDataset')
    if (unknown.length > 0) {
      return validationFailed(`No association ${unknown[0]} in jobGroups! Valid associations are wrangledDataset`)
    }
    const embedded = embed !== undefined && embed !== ''
    return this.with(id, replica, (run) =>
      json(200, {
        data: run.outputs.map(({ group, name }) => {
          const body = jobGroupBody(group, now)
          return embedded ? { ...body, wrangledDataset: { id: group.recipeId, name } } : body
        })
      })
    )
  }

  views(now: number): FlowRunView[] {
    return this.all().map((run) => ({
      id: run.id,
      flowId: run.flowId,
      status: flowRunStatus(run, now),
      createdAt: run.createdAt,
      executionId: run.executionId,
      origin: run.origin,
      runAsync: run.runAsync,
      body: run.body,
      jobGroupIds: run.outputs.map(({ group }) => group.id),
      outputs: run.outputs.map((output) => outputRunView(output, now))
    }))
  }

  private all(): FlowRun[] {
    return [...this.runs.values()]
  }

  /** Answers about a flow run; 404 when there is none, or a lagging replica has not seen it yet. */
  private with(id: number, replica: Replica | undefined, answer: (run: FlowRun) => Reply): Reply {
    const run = this.runs.get(id)
    return run && seenBy(replica, run.createdAt) ? answer(run) : notFound(`flowRun with id ${id} does not exist`)
  }
}

/** The recipes the flows' outputs run. */
export function flowRecipeIds(flows: Readonly<Record<number, FlowSpec>>): number[] {
  return Object.values(flows).flatMap((flow) => flow.outputs.map((output) => output.recipeId))
}

/**
 * The status of a set of job groups run together (a flow run, a plan task).
 * inferred (the docs list only the values): while any job group runs, 'Created' if all still show 'Created', else
 * 'InProgress'; once all are terminal, 'Failed' if any failed, else 'Canceled' if any was canceled, else 'Complete'.
 */
export function combinedStatus(groups: readonly JobGroup[], t: number): string {
  const statuses = groups.map((group) => statusAt(group, t))
  if (statuses.some((status) => !isTerminal(status))) {
    return statuses.every((status) => status === 'Created') ? 'Created' : 'InProgress'
  }
  if (statuses.includes('Failed')) return 'Failed'
  return statuses.includes('Canceled') ? 'Canceled' : 'Complete'
}

/** When the last of these job groups changed status (once all are terminal: when the last one ended). */
export function lastUpdate(groups: readonly JobGroup[], t: number, since: number): number {
  return Math.max(since, ...groups.map((group) => updatedAtOf(group, t)))
}

export function startOutput(
  store: JobStore,
  output: FlowOutputSpec,
  scenario: JobScenario | undefined,
  now: number,
  extra: { flowRunId?: number; overrides?: unknown; runParameters?: unknown; origin?: JobGroupOrigin } = {}
): OutputRun {
  return { name: output.name, group: store.create({ recipeId: output.recipeId, scenario, ...extra }, now) }
}

export function outputRunView(output: OutputRun, now: number): OutputRunView {
  return { name: output.name, ...jobGroupView(output.group, now) }
}

/** The request body as a JSON object (an empty body counts as {}: every field is optional); else undefined. */
export function objectBody(req: RunRequest): Record<string, unknown> | undefined {
  if (req.body.length === 0) return {}
  return isObject(req.json) ? req.json : undefined
}

// inferred: the docs type these fields without saying what a wrong type answers; 400 as for other invalid values.
function parseRunFlow(body: Record<string, unknown>): RunFlowRequest | string {
  const { wrangledDatasetIds, overrides, execution, sparkOptions, ignoreRecipeErrors, runParameters } = body
  if (overrides !== undefined && !isObject(overrides)) return 'overrides must be an object keyed by output name'
  if (execution !== undefined && typeof execution !== 'string') return 'execution must be a string'
  if (sparkOptions !== undefined && !Array.isArray(sparkOptions)) return 'sparkOptions must be a list of {key, value}'
  if (ignoreRecipeErrors !== undefined && typeof ignoreRecipeErrors !== 'boolean') {
    return 'ignoreRecipeErrors must be a boolean'
  }
  if (runParameters !== undefined && !isObject(runParameters)) return 'runParameters must be an object'
  const request: RunFlowRequest = { overrides, execution, runParameters }
  if (wrangledDatasetIds === undefined) return request
  const ids = Array.isArray(wrangledDatasetIds) ? wrangledDatasetIds.map(positiveInteger) : []
  // inferred: an empty list is refused rather than taken as "every output".
  if (ids.length === 0 || ids.some((id) => id === undefined)) {
    return 'wrangledDatasetIds must be a non-empty list of recipe ids'
  }
  return { ...request, wrangledDatasetIds: ids as number[] }
}

function selectOutputs(flow: FlowSpec, recipeIds: number[] | undefined): FlowOutputSpec[] | string {
  if (recipeIds === undefined) {
    // inferred: a flow with no output has nothing to run; answered like an invalid request.
    return flow.outputs.length > 0 ? flow.outputs : 'The flow has no output to run'
  }
  const unknown = recipeIds.filter((id) => !flow.outputs.some((output) => output.recipeId === id))
  if (unknown.length > 0) return `wrangledDatasetIds not in this flow: ${unknown.join(', ')}`
  return flow.outputs.filter((output) => recipeIds.includes(output.recipeId))
}

/**
 * The overrides a job group gets: the body's `overrides[<output name>]`, with the body's `execution` unless the
 * output's own overrides name one. inferred: keys naming no output are ignored, as override values are not
 * validated server-side (API-NOTES.md).
 */
function outputOverrides(request: RunFlowRequest, name: string): unknown {
  const own = request.overrides?.[name]
  if (request.execution === undefined) return own
  return { execution: request.execution, ...(isObject(own) ? own : {}) }
}

/**
 * S1's enum of a flow run's status is Complete, Canceled, Created, Failed, and its doc says the status combines its
 * job groups': a running flow run reads `Created` until every job group ended (REAL-API-SHAPES.md).
 */
function flowRunStatus(run: FlowRun, t: number): string {
  const status = combinedStatus(groupsOf(run), t)
  return isTerminal(status) ? status : 'Created'
}

function groupsOf(run: FlowRun): JobGroup[] {
  return run.outputs.map(({ group }) => group)
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
