// Public types of the Trifacta /v4 jobGroups API emulator.
// Sources: /work/shared/reference/API-NOTES.md, designer-cloud-enterprise-api-v10.1.txt,
// trifacta-standard-api-v8.4.txt and aac-v4-jobgroup-derived.json (names, types, enums).
import type { RecordedRequest as SharedRecordedRequest } from '../support/recorded-request.ts'
import type { FlowPlanOptions } from './flow-types.ts'

/** One stage ("job") of a job group. `jobType` is one of the spec's enum, e.g. 'wrangle', 'filewriter'. */
export interface StageSpec {
  jobType: string
  /** Failure text of this stage; on a Failed scenario the stage carrying it is the one that fails. */
  errorMessage?: string
}

export type TerminalStatus = 'Complete' | 'Failed' | 'Canceled'

/** What GET /v4/jobGroups/{id}/outputs answers (`LJobFilesAndTablesOutputListResponse`). */
export interface OutputLists {
  files: object[]
  tables: object[]
}

export interface JobScenario {
  /** From creation to the terminal status; default 1500. */
  durationMs?: number
  /** Non-terminal statuses shown in order, spread evenly over durationMs; default ['Created', 'InProgress']. */
  statuses?: string[]
  /** Default 'Complete'. 'Canceled' means someone else cancels the job group at durationMs. */
  finalStatus?: TerminalStatus
  /** Default [{jobType: 'wrangle'}, {jobType: 'filewriter'}]. */
  stages?: StageSpec[]
  /** GET /outputs once Complete; default one file and one table. */
  outputs?: OutputLists
}

export type FaultAction =
  | { kind: 'status'; status: number; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'act-then-reset' }
  | { kind: 'delay'; ms: number }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }

export interface Fault {
  /** Matches the request method (any when absent). */
  method?: string
  /** Matches the pathname without query: a string exactly, a RegExp by search (any when absent). */
  path?: string | RegExp
  /** Lets the first `after` matching requests through unharmed; default 0. */
  after?: number
  /** Then applies to this many matching requests; default 1 (Infinity allowed). */
  times?: number
  action: FaultAction
}

/** Which list endpoints exist: GET /v4/jobLibrary (newer) and GET /v4/jobGroups (deprecated list). */
export type Listing = 'both' | 'jobGroups' | 'none'

/** Flow and plan options (flows, plans, edition, their quotas): see flow-types.ts. */
export interface EmulatorOptions extends FlowPlanOptions {
  /** Port on 127.0.0.1; default 0 (a free one). */
  port?: number
  /** The accepted bearer token; default 'emulator-token'. */
  token?: string
  /** Known recipe (wrangledDataset) ids; default [7, 42, 1001]. */
  recipes?: number[]
  /** Default scenario of new job groups. */
  scenario?: JobScenario
  /** Per recipe id; overrides `scenario`. */
  scenarios?: Record<number, JobScenario>
  /** Legacy Dataprep Standard edition: /status and /cancel answer 404. */
  legacy?: boolean
  /** Per-window quota on POST /v4/jobGroups (429 TooManyRequestsException when spent). */
  triggerQuota?: { limit: number; windowMs: number }
  faults?: Fault[]
  /** Default 'both'. */
  listing?: Listing
  /** Default 4100. */
  firstJobGroupId?: number
  /** 401 answers echo the received Authorization header in `details` (to test that clients never print it). */
  echoTokenOnAuthError?: boolean
  /**
   * Also accept OAuth 2.0 access tokens this verifier (e.g. a TokenServer) knows: an expired or unknown one answers
   * 401. The static `token` stays accepted.
   */
  oauth?: AccessTokenVerifier
}

/** What an OAuth token server says of an access token it is shown. */
export type AccessTokenState = 'valid' | 'expired' | 'unknown'

export interface AccessTokenVerifier {
  verifyAccessToken(token: string): AccessTokenState
}

/** What the emulator recorded of a request, with the x-trifacta-request-id it answered. */
export interface RecordedRequest extends SharedRecordedRequest {
  /** The x-trifacta-request-id answered; undefined when the socket was destroyed instead. */
  requestId?: string
}

/** A job group as the emulator sees it now (for test assertions). */
export interface JobGroupView {
  id: number
  recipeId: number
  status: string
  /** Epoch ms. */
  createdAt: number
  /** Epoch ms of the last status change. */
  updatedAt: number
  executionId?: string
  /** Cancelled through POST /cancel. */
  canceled: boolean
  overrides?: unknown
  runParameters?: unknown
}
