// The JSON bodies the API answers for a job group, per API-NOTES.md "Calls" and the spec's schemas
// (LRunJobResult, LJobGroup, LBaseJobResponse, LJobGroupCancelInformation, LJobFilesAndTablesOutputListResponse).
// Shapes from REAL-API-SHAPES.md: S1 (the client generated from the AAC spec) for outputs and stage errors.
import { DB_PASSWORD } from '../support/fake-tokens.ts'
import { prop, stageAt, statusAt, updatedAtOf } from './jobs.ts'
import type { JobGroup } from './jobs.ts'
import type { JobGroupView, OutputLists } from './types.ts'

// inferred: the engine a stage reports when the request named none (Trifacta's default running environment).
const DEFAULT_EXECUTION = 'photon'

/** 201 answer of POST /v4/jobGroups (runJobGroup). */
export function runJobBody(group: JobGroup): object {
  const ids = group.stages.map((stage) => stage.id)
  return {
    id: group.id,
    reason: 'JobStarted',
    sessionId: group.sessionId,
    jobGraph: { vertices: ids, edges: ids.slice(1).map((target, i) => ({ source: ids[i], target })) },
    jobs: { data: ids.map((id) => ({ id })) }
  }
}

/** GET /v4/jobGroups/{id}, also the items of the list endpoints. */
export function jobGroupBody(group: JobGroup, t: number): object {
  return {
    id: group.id,
    status: statusAt(group, t),
    createdAt: iso(group.createdAt),
    updatedAt: iso(updatedAtOf(group, t)),
    ranfrom: group.ranfrom,
    ranfor: 'recipe',
    profilingEnabled: profilingEnabled(group),
    // inferred: the reference date of a run without runParameters.referenceDate is taken as its creation time.
    runParameterReferenceDate: iso(group.createdAt),
    wrangledDataset: { id: group.recipeId },
    // LJobGroup's `flowrun` (spelled so in the AAC spec), on job groups a flow run created.
    ...(group.flowRunId !== undefined && { flowrun: { id: group.flowRunId } }),
    creator: { id: 1 },
    updater: { id: 1 }
  }
}

/**
 * GET /v4/jobGroups/{id}/jobs: {data: [stage…]} (S1 LJobList). S1 types a stage's `errorMessage` as an object:
 * a failing stage shows `{message}` (inferred: the field name, as REAL-API-SHAPES.md reads it), or the
 * scenario's own `errorObject`; other stages show null, as the old vendor pages do.
 */
export function jobsBody(group: JobGroup, t: number): object {
  const executionLanguage = execution(group)
  return {
    data: group.stages.map((stage) => {
      const state = stageAt(group, stage, t)
      return {
        id: stage.id,
        status: state.status,
        jobType: stage.jobType,
        percentComplete: state.percentComplete,
        errorMessage: state.errorMessage === null ? null : (stage.errorObject ?? { message: state.errorMessage }),
        executionLanguage,
        createdAt: iso(state.createdAt),
        updatedAt: iso(state.updatedAt),
        jobGroup: { id: group.id }
      }
    })
  }
}

/** GET /v4/jobGroups/{id}/outputs (S1 LJobFilesAndTablesOutputListResponse): what the job wrote, once Complete. */
export function outputsBody(group: JobGroup, t: number): OutputLists {
  if (statusAt(group, t) !== 'Complete') return { files: [], tables: [] }
  return group.scenario.outputs ?? defaultOutputs(group)
}

/** 200 answer of POST /v4/jobGroups/{id}/cancel. */
export function cancelBody(group: JobGroup): object {
  // inferred: jobIds lists every stage of the job group (the spec only types it as list[int]).
  return { jobgroupId: group.id, jobIds: group.stages.map((stage) => stage.id) }
}

export function jobGroupView(group: JobGroup, t: number): JobGroupView {
  return {
    id: group.id,
    recipeId: group.recipeId,
    status: statusAt(group, t),
    createdAt: group.createdAt,
    updatedAt: updatedAtOf(group, t),
    executionId: group.executionId,
    canceled: group.canceledAt !== undefined,
    origin: group.origin,
    overrides: group.overrides,
    runParameters: group.runParameters,
    ignoreRecipeErrors: group.ignoreRecipeErrors
  }
}

/**
 * A database connection string as a real server may give it: with a password in it (REAL-API-SHAPES.md says to
 * treat `databaseConnectString` as holding credentials). inferred: the form, a JDBC URL with user and password.
 */
export const EMULATOR_DB_CONNECT_STRING = `jdbc:postgresql://etl:${DB_PASSWORD}@db.emulator.test:5432/analytics`

/**
 * S1: a file is {uri, fileType (FILE | DIRECTORY), isPrimaryOutput}; a table is {vendor, databaseConnectString,
 * relationalPath (e.g. database and schema), table, action, query (array)}. inferred: the values (an s3 uri, a
 * Postgres table, the query as a list of SQL statements).
 */
function defaultOutputs(group: JobGroup): OutputLists {
  const table = `recipe_${group.recipeId}`
  return {
    files: [
      {
        uri: `s3://emulator-bucket/queryResults/${table}/${group.id}/output.csv`,
        fileType: 'FILE',
        isPrimaryOutput: true
      }
    ],
    tables: [
      {
        vendor: 'postgres',
        databaseConnectString: EMULATOR_DB_CONNECT_STRING,
        relationalPath: ['analytics', 'public'],
        table,
        action: 'create',
        query: [`CREATE TABLE "analytics"."public"."${table}" AS SELECT * FROM "job_${group.id}"`]
      }
    ]
  }
}

function execution(group: JobGroup): string {
  const value = prop(group.overrides, 'execution')
  return typeof value === 'string' ? value : DEFAULT_EXECUTION
}

// inferred: profilingEnabled follows overrides.profiler, or a 'profile' stage in the scenario.
function profilingEnabled(group: JobGroup): boolean {
  return prop(group.overrides, 'profiler') === true || group.stages.some((stage) => stage.jobType === 'profile')
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
