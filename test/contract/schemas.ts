// JSON Schemas of the answers the action reads, written from the references (REAL-API-SHAPES.md, API-NOTES.md,
// AAC-AUTH-FLOWS-PLANS.md and aac-v4-jobgroup-derived.json, which is S1's extract). Required fields are S1's; the
// fields the action reads are typed where S1 types them. The emulator's answers must validate, and the action's
// parsing is tested on those very answers (contract.test.ts): a change on either side then fails a test.
import { Ajv, type ValidateFunction } from 'ajv'

type Schema = Record<string, unknown>

const int: Schema = { type: 'integer' }
const str: Schema = { type: 'string' }
const bool: Schema = { type: 'boolean' }
const dateTime: Schema = { type: 'string', format: 'date-time' }
const ref: Schema = { type: 'object', required: ['id'], properties: { id: int } }
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] })
/** The API's lists: `{data: [item…], count?}` (the vendor overview and S1). */
const listOf = (item: Schema): Schema => ({
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'array', items: item }, count: int }
})

/** S1's enum of job group and stage statuses, plus what S2 and S3 report outside it (Pending, "undefined"). */
const JOB_STATUS: Schema = { enum: ['Created', 'InProgress', 'Complete', 'Failed', 'Canceled', 'Pending', 'undefined'] }
const JOB_TYPES = [
  'wrangle',
  'profile',
  'publish',
  'filewriter',
  'filereader',
  'fileconverter',
  'ingest',
  'artifactstaging',
  'sqlexecution',
  'schemadrift'
]
const RANFOR = ['recipe', 'sampling', 'pendingDatasource', 'plan', 'extract', 'profile', 'publish', 'refresh']

/** S1 LRunJobResult: the 201 of POST /v4/jobGroups, and each item of runFlow's `data`. */
const runJobResult: Schema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: int,
    reason: str,
    sessionId: str,
    flowRun: ref,
    jobGraph: {
      type: 'object',
      required: ['vertices', 'edges'],
      properties: {
        vertices: { type: 'array', items: int },
        edges: {
          type: 'array',
          items: { type: 'object', required: ['source', 'target'], properties: { source: int, target: int } }
        }
      }
    },
    jobs: listOf(ref)
  }
}

/** S1 LJobGroup. */
const jobGroup: Schema = {
  type: 'object',
  required: ['id', 'createdAt', 'updatedAt'],
  properties: {
    id: int,
    name: str,
    status: JOB_STATUS,
    createdAt: dateTime,
    updatedAt: dateTime,
    ranfrom: { enum: ['ui', 'schedule', 'api'] },
    ranfor: { enum: RANFOR },
    profilingEnabled: bool,
    runParameterReferenceDate: dateTime,
    wrangledDataset: { type: 'object', required: ['id'], properties: { id: int, name: str } },
    flowrun: ref,
    creator: ref,
    updater: ref
  }
}

/** S1 LBaseJobResponse; `errorMessage` is an object (or null, as the old vendor pages show it). */
const stage: Schema = {
  type: 'object',
  required: ['id', 'status', 'jobType', 'jobGroup'],
  properties: {
    id: int,
    status: JOB_STATUS,
    jobType: { enum: JOB_TYPES },
    percentComplete: int,
    errorMessage: nullable({ type: 'object' }),
    createdAt: dateTime,
    updatedAt: dateTime,
    jobGroup: ref
  }
}

/** S1 LJobFilesAndTablesOutputListResponse: exactly these fields, so a new one is noticed here first. */
const outputs: Schema = {
  type: 'object',
  required: ['files', 'tables'],
  additionalProperties: false,
  properties: {
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uri', 'fileType', 'isPrimaryOutput'],
        additionalProperties: false,
        properties: { uri: str, fileType: { enum: ['FILE', 'DIRECTORY'] }, isPrimaryOutput: bool }
      }
    },
    tables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['vendor', 'databaseConnectString', 'relationalPath', 'table', 'action', 'query'],
        additionalProperties: false,
        properties: {
          vendor: str,
          databaseConnectString: str,
          relationalPath: { type: 'array', items: str },
          table: str,
          action: str,
          query: { type: 'array' }
        }
      }
    }
  }
}

/** S1 LPlanSnapshotRun (REAL-API-SHAPES.md "GET /v4/planSnapshotRuns/{id}"). */
const planSnapshotRun: Schema = {
  type: 'object',
  required: ['id', 'status'],
  properties: {
    id: int,
    status: { enum: ['Created', 'InProgress', 'Complete', 'Failed', 'Canceled'] },
    createdAt: dateTime,
    submittedAt: nullable(dateTime),
    startedAt: nullable(dateTime),
    finishedAt: nullable(dateTime),
    updatedAt: dateTime,
    scheduleHistoryId: nullable(int),
    failedToCancelSomeJobs: bool,
    plan: ref,
    nextRun: nullable(ref),
    previousRun: nullable(ref)
  }
}

/** A task run on a snapshot plan, as S2 reads it. */
const planTaskSnapshotRun: Schema = {
  type: 'object',
  required: ['planSnapshotRun', 'planFlowTaskRunResults'],
  properties: {
    id: int,
    status: str,
    planSnapshotRun: ref,
    planFlowTaskRunResults: listOf({ type: 'object', required: ['jobGroup'], properties: { jobGroup: ref } })
  }
}

/** GET /v4/plans/{id}/full: S1's plan and PlanNode, S2's snapshots and task runs, every list in {data}. */
const planFull: Schema = {
  type: 'object',
  required: ['id', 'planNodes'],
  properties: {
    id: int,
    name: str,
    snapshotted: bool,
    originalPlanId: nullable(int),
    latestPlanSnapshot: nullable(ref),
    latestPlanSnapshotRun: nullable(ref),
    planSnapshotRunCount: int,
    planSnapshots: listOf(ref),
    planNodes: listOf({
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id: int,
        taskType: str,
        name: str,
        createdAt: dateTime,
        updatedAt: dateTime,
        planTaskSnapshotRuns: listOf(planTaskSnapshotRun)
      }
    })
  }
}

/** The documented error body. */
const errorBody: Schema = {
  type: 'object',
  required: ['exception'],
  properties: {
    exception: { type: 'object', required: ['name', 'message'], properties: { name: str, message: str, details: str } }
  }
}

/** Every answer the action reads, by the call that answers it. */
export const SCHEMAS = {
  'POST /v4/jobGroups': runJobResult,
  'GET /v4/jobGroups/{id}': jobGroup,
  'GET /v4/jobGroups/{id}/status': JOB_STATUS,
  'GET /v4/jobGroups/{id}/jobs': listOf(stage),
  'GET /v4/jobGroups/{id}/outputs': outputs,
  'POST /v4/jobGroups/{id}/cancel': {
    type: 'object',
    required: ['jobgroupId'],
    properties: { jobgroupId: int, jobIds: { type: 'array', items: int } }
  },
  'GET /v4/jobLibrary': listOf(jobGroup),
  'GET /v4/jobGroups': listOf(jobGroup),
  'POST /v4/flows/{id}/run': {
    type: 'object',
    required: ['flowRunId', 'data'],
    properties: { flowRunId: int, data: { type: 'array', items: runJobResult } }
  },
  'POST /v4/flows/{id}/run?runAsync=true': {
    type: 'object',
    required: ['id', 'reason'],
    properties: { id: int, reason: str }
  },
  'GET /v4/flowRuns/{id}/status': { enum: ['Complete', 'Canceled', 'Created', 'Failed'] },
  'GET /v4/flowRuns/{id}/jobGroups': listOf(jobGroup),
  'POST /v4/plans/{id}/run': {
    type: 'object',
    required: ['validationStatus', 'planSnapshotRunId'],
    properties: { validationStatus: { enum: ['Valid', 'MissingFlowReferences'] }, planSnapshotRunId: int }
  },
  'GET /v4/planSnapshotRuns/{id}': planSnapshotRun,
  'POST /v4/planSnapshotRuns/{id}/cancel': planSnapshotRun,
  'GET /v4/plans/{id}/full': planFull,
  error: errorBody
} as const satisfies Record<string, Schema>

export type Call = keyof typeof SCHEMAS

const ajv = new Ajv({ allErrors: true, strict: true })
ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)) && /^\d{4}-\d\d-\d\dT/.test(text))
const compiled = new Map<Call, ValidateFunction>()

/** The schema's errors for `answer`, as readable lines; [] when it validates. */
export function violations(call: Call, answer: unknown): string[] {
  let validate = compiled.get(call)
  if (validate === undefined) {
    validate = ajv.compile(SCHEMAS[call])
    compiled.set(call, validate)
  }
  if (validate(answer)) return []
  return (validate.errors ?? []).map((e) => `${call}: ${e.instancePath || '(answer)'} ${e.message ?? ''}`)
}
