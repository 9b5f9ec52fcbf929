// Public types of the Trifacta /v4 jobGroups API emulator.
// Sources: /work/shared/reference/API-NOTES.md, designer-cloud-enterprise-api-v10.1.txt,
// trifacta-standard-api-v8.4.txt and aac-v4-jobgroup-derived.json (names, types, enums).
import type { RecordedRequest as SharedRecordedRequest } from '../support/recorded-request.ts'
import type { LoopbackHost } from '../support/listen.ts'
import type { TlsKeyPair } from '../support/tls.ts'
import type { TestModeSupport } from './checks.ts'
import type { FlowPlanOptions } from './flow-types.ts'
import type { HistoryOptions } from './history.ts'
import type { ProfileCalls, ProfileSpec } from './profiles.ts'
import type { LogArchiveSpec, LogsCall } from './results.ts'

export type { TlsKeyPair }

/** One stage ("job") of a job group. `jobType` is one of the spec's enum, e.g. 'wrangle', 'filewriter'. */
export interface StageSpec {
  jobType: string
  /** Failure text of this stage; on a Failed scenario the stage carrying it is the one that fails. */
  errorMessage?: string
  /** The lines of this stage's job.log (GET /logs); default a few INFO lines, and on failure its error. */
  log?: string[]
  /**
   * The failing stage's `errorMessage` object as served (S1 types it as an object), instead of the default
   * `{message: errorMessage}`: e.g. one without a `message`. Marks the failing stage too.
   */
  errorObject?: Record<string, unknown>
}

export type TerminalStatus = 'Complete' | 'Failed' | 'Canceled'

/**
 * What GET /v4/jobGroups/{id}/outputs answers (S1 `LJobFilesAndTablesOutputListResponse`), served as given. Files
 * are `{uri, fileType: 'FILE' | 'DIRECTORY', isPrimaryOutput}`, tables `{vendor, databaseConnectString,
 * relationalPath, table, action, query}` (REAL-API-SHAPES.md).
 */
export interface OutputLists {
  files: object[]
  tables: object[]
}

export interface JobScenario {
  /** From creation to the terminal status; default 1500. */
  durationMs?: number
  /**
   * Non-terminal statuses shown in order, spread evenly over durationMs; default ['Created', 'InProgress']. Any
   * string goes: S3 lists `'undefined'` as a job group status and S2 `'Pending'` (REAL-API-SHAPES.md "Statuses
   * seen outside the spec's enum").
   */
  statuses?: string[]
  /** Default 'Complete'. 'Canceled' means someone else cancels the job group at durationMs. */
  finalStatus?: TerminalStatus
  /** Default [{jobType: 'wrangle'}, {jobType: 'filewriter'}]. */
  stages?: StageSpec[]
  /**
   * GET /outputs once Complete; default one file and one Postgres table whose databaseConnectString holds a
   * password (EMULATOR_DB_CONNECT_STRING of bodies.ts).
   */
  outputs?: OutputLists
  /**
   * GET /profile and /profileResults once Complete, when the run had profiling on (overrides.profiler or a
   * 'profile' stage); default three clean columns of 1000 rows (profiles.ts). Without profiling: 400.
   */
  profile?: ProfileSpec
  /** More entries of the GET /logs archive (hostile names, bombs, padding), or longer logs (results.ts). */
  logArchive?: LogArchiveSpec
  /** GET /publications once Complete; default those the request's `overrides.publications` asked for. */
  publications?: object[]
}

/**
 * Header values of an injected answer. Names are case-insensitive (they replace the emulator's own of the same
 * name); an array sends the header once per value; null removes one the emulator would send (content-type,
 * x-trifacta-request-id, content-length). A content-length given here is sent as given, even when it lies (one
 * promising more than the body makes Node close the connection after the body: the client sees it cut short).
 */
export type FaultHeaders = Record<string, string | string[] | null>

/**
 * What a matching request gets instead of the plain route. "Answer" actions replace or reshape the answer; of
 * those, the first rule (in order) whose window holds the request wins. "Modifier" actions ('stale',
 * 'not-found-while-new', 'foreign-job-group') change what the route does, and every modifier in its window
 * applies, together with the winning answer action if any.
 *
 * "The route" is what the emulator answers without faults (201 with a new job group, 404, 400, …). Actions
 * marked "acts" run it (its side effects, such as a job group created, happen); the others do not, unless they
 * take `act: true`.
 *
 * Like any fault, a modifier applies to `times` requests (default 1): give `times: Infinity` or `forMs` for a
 * lasting lag.
 */
export type FaultAction = AnswerAction | ModifierAction

export type AnswerAction =
  /**
   * Any status, headers and body. `body` is sent as JSON; `raw` as it is (a string as UTF-8, bytes unchanged) with
   * `contentType` (default text/html); neither: an exception body named after the status. `act: true` runs the
   * route first (e.g. a 201 with an HTML body or truncated JSON while the job group really exists).
   */
  | {
      kind: 'status'
      status: number
      body?: unknown
      raw?: string | Uint8Array
      contentType?: string
      headers?: FaultHeaders
      act?: boolean
    }
  /** Destroys the socket without an answer, without acting. */
  | { kind: 'reset' }
  /** Acts, then destroys the socket without an answer. */
  | { kind: 'act-then-reset' }
  /** Acts `ms` later and answers then (it acts also when the client gave up meanwhile). */
  | { kind: 'delay'; ms: number }
  /** The documented 429 TooManyRequestsException with x-retry-after, without acting. */
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  /**
   * Acts, and answers the route's answer compressed with `encoding` (default 'gzip'; 'identity': not compressed)
   * and `content-encoding: <declare ?? encoding>`: `declare` sends a bogus or mismatching encoding. An answer
   * without a body (304) is sent unchanged.
   */
  | { kind: 'compress'; encoding?: 'gzip' | 'deflate' | 'br' | 'identity'; declare?: string }
  /**
   * Acts; sends the status line and headers (with the full content-length) at once, then the body `chunkBytes`
   * bytes (default 1) every `everyMs` ms (default 50). `cutAfterBytes`: destroys the socket once that many body
   * bytes are sent (the client sees the connection close mid-answer).
   */
  | { kind: 'drip'; chunkBytes?: number; everyMs?: number; cutAfterBytes?: number }
  /**
   * Streams a body of `bytes` bytes, generated piece by piece (never held in memory) as fast as the client reads,
   * or `chunkBytes` (default 65536) every `everyMs` ms. `content` 'json' (default): one valid JSON object,
   * `{"data":[],"count":0,"padding":"xxx…"}` (exactly `bytes` long from 34 bytes on), as application/json;
   * 'junk': printable bytes that are not JSON, as text/plain. `declareLength` (default true) sends a
   * content-length, else the body is chunked. `status` default 200. `act: true` runs the route first.
   */
  | {
      kind: 'huge'
      bytes: number
      content?: 'json' | 'junk'
      status?: number
      chunkBytes?: number
      everyMs?: number
      declareLength?: boolean
      act?: boolean
    }
  /**
   * A redirect (default 302) to `location`, with no body; `appendPath` appends the request's path and query to
   * it (a `location` of another server's origin then names the same route there). `act: true` runs the route.
   */
  | { kind: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location: string; appendPath?: boolean; act?: boolean }
  /**
   * Acts, and sends the route's answer reshaped the way an odd server or gateway might: 'bom' puts a UTF-8
   * byte-order mark before the JSON; 'plain-text' sends a bare JSON string unquoted, as text/plain (`Complete`);
   * 'html' sends it inside an HTML page (text/html). Other answers keep their body.
   */
  | { kind: 'reshape'; as: 'bom' | 'plain-text' | 'html' }

export type ModifierAction =
  /**
   * A lagging read replica, on GET requests only (others are answered as usual): job groups are shown as they
   * were `lagMs` ago (default 0; never before their creation, so a young one shows its first status); `status`
   * pins the status shown by GET /v4/jobGroups/{id} and /status, GET /v4/flowRuns/{id}/status and GET
   * /v4/planSnapshotRuns/{id}. Jobs, outputs, lists, flow runs and plan snapshot runs lag alike.
   */
  | { kind: 'stale'; lagMs?: number; status?: string }
  /**
   * A read replica that has not seen new records, on GET requests only: a job group, flow run, plan snapshot run
   * or snapshot plan created less than `ms` ago answers 404 NotFound on its routes and is missing from the lists
   * (and from GET /v4/plans/{id}/full, as are task runs whose job groups are that young).
   */
  | { kind: 'not-found-while-new'; ms: number }
  /**
   * Another client starts a job group, meant for POST /v4/jobGroups: of `recipeId` (default: the request's
   * wrangledDataset.id; nothing is created when it has none), just `before` or `after` (default) the route
   * creates the client's own (at once when the winning answer action does not act), or `delayMs` after the
   * request arrived. Its createdAt is the creation time plus `createdAtOffsetMs` (default 0; negative: earlier).
   * Its x-execution-id is `executionId` (default none), or the request's with `sameExecutionId`: created
   * `before`, it makes the client's own POST answer 304. `scenario` defaults to the recipe's.
   * On POST /v4/flows/{id}/run or /v4/plans/{id}/run without `recipeId`, the other client runs the same flow or
   * plan with the same body instead (a flow run or plan snapshot run of origin 'foreign', whose job groups get
   * `scenario` when given; it spends no quota); `sameExecutionId` created `before` then makes the client's 304.
   */
  | {
      kind: 'foreign-job-group'
      when?: 'before' | 'after'
      delayMs?: number
      createdAtOffsetMs?: number
      recipeId?: number
      executionId?: string
      sameExecutionId?: boolean
      scenario?: JobScenario
    }

export interface Fault {
  /** Matches the request method (any when absent). */
  method?: string
  /** Matches the pathname without query: a string exactly, a RegExp by search (any when absent). */
  path?: string | RegExp
  /** Lets the first `after` matching requests through unharmed; default 0. */
  after?: number
  /** Then applies to this many matching requests; default 1, or Infinity when `forMs` is given. */
  times?: number
  /**
   * Applies only for this many ms, counted from the first matching request past the first `after`, e.g.
   * "every /status for the next 2 s".
   */
  forMs?: number
  action: FaultAction
}

/**
 * Per recipe id, its past runs, most recent first: a duration in ms (a Complete run) or `{durationMs, status}`
 * (e.g. a Failed one, which a history of Complete runs leaves out). Their job groups have origin 'past'.
 */
export type PastRunsOption = Record<number, (number | { durationMs: number; status: TerminalStatus })[]>

/** Which list endpoints exist: GET /v4/jobLibrary (newer) and GET /v4/jobGroups (deprecated list). */
export type Listing = 'both' | 'jobGroups' | 'none'

/** Flow and plan options (flows, plans, edition, their quotas): see flow-types.ts. */
export interface EmulatorOptions extends FlowPlanOptions {
  /** Port on `host`; default 0 (a free one). */
  port?: number
  /** Loopback address to listen on; default '127.0.0.1'. '::1' serves `http://[::1]:port` (IPv6 literal URLs). */
  host?: LoopbackHost
  /** The accepted bearer token; default EMULATOR_TOKEN of test/support/fake-tokens.ts ('emulator-token'). */
  token?: string
  /** Known recipe (wrangledDataset) ids; default [7, 42, 1001]. */
  recipes?: number[]
  /** Default scenario of new job groups. */
  scenario?: JobScenario
  /** Per recipe id; overrides `scenario`. */
  scenarios?: Record<number, JobScenario>
  /**
   * Legacy Dataprep Standard edition: /status and /cancel answer 404 (and /profile, /profileResults, GET /v4/auth
   * and GET /v4/wrangledDatasets/{id}).
   */
  legacy?: boolean
  /** Which profile calls the edition has; default 'both' ('none' with `legacy`). */
  profileCalls?: ProfileCalls
  /**
   * What GET /v4/jobGroups/{id}/logs answers: 'zip' (self-managed Trifacta, S2; the default), or 404 or 403
   * (editions without the call; 404 is the default with `legacy`).
   */
  jobLogs?: LogsCall
  /**
   * Recipe names (GET /v4/wrangledDatasets/{id}, test mode's datasetName); default a flow output's name, else
   * `Recipe <id>`.
   */
  recipeNames?: Record<number, string>
  /** How POST /v4/jobGroups treats `testMode: true` (checks.ts); default 'accepted'. */
  testMode?: TestModeSupport
  /** Per-window quota on POST /v4/jobGroups (429 TooManyRequestsException when spent). */
  triggerQuota?: { limit: number; windowMs: number }
  faults?: Fault[]
  /** Default 'both'. */
  listing?: Listing
  /** How the history lists page and sort (history.ts): a page cap (default 100), or `sort` ignored. */
  history?: HistoryOptions
  /** Default 4100. */
  firstJobGroupId?: number
  /** Recipes' past runs, already ended when the emulator starts (past-runs.ts), listed by the job library. */
  pastRuns?: PastRunsOption
  /** 401 answers echo the received Authorization header in `details` (to test that clients never print it). */
  echoTokenOnAuthError?: boolean
  /**
   * Also accept OAuth 2.0 access tokens this verifier (e.g. a TokenServer) knows: an expired or unknown one answers
   * 401. The static `token` stays accepted.
   */
  oauth?: AccessTokenVerifier
  /**
   * Serve https: true with a leaf for 127.0.0.1, ::1, localhost and PROXIED_HOST signed by the throwaway test CA
   * (testCertificates() in test/support/tls.ts); 'wrong-host' with a leaf of that CA for another host name
   * only; or a PEM key pair of your own.
   */
  tls?: boolean | 'wrong-host' | TlsKeyPair
}

/**
 * Who created a job group: 'api' the client (POST /v4/jobGroups, or a flow or plan run it started), 'direct'
 * Emulator.createJobGroup, 'foreign' another client (a 'foreign-job-group' fault), 'past' the `pastRuns` option.
 */
export type JobGroupOrigin = 'api' | 'direct' | 'foreign' | 'past'

/** Optional details of Emulator.createJobGroup. */
export interface DirectJobGroup {
  /** As if sent in x-execution-id. */
  executionId?: string
  /** Epoch ms; default now. Ids still grow in creation order. */
  createdAt?: number
  /** Where it was run from (the job library's `ranfrom`): 'ui', 'schedule' or 'api' (default). */
  ranfrom?: RanFrom
  /** As if sent in the request, e.g. `{ profiler: true }` for a profiled run. */
  overrides?: unknown
}

/** S1's `ranfrom` of a job group (REAL-API-SHAPES.md "POST /v4/jobGroups", "GET /v4/jobLibrary"). */
export type RanFrom = 'ui' | 'schedule' | 'api'

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
  origin: JobGroupOrigin
  overrides?: unknown
  runParameters?: unknown
  /** The request's top-level `ignoreRecipeErrors`, as received (S1 has it there, not in `overrides`). */
  ignoreRecipeErrors?: unknown
}
