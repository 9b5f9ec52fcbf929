// The HTTP side of the emulator: a real server on 127.0.0.1 (random port) that records every request,
// applies fault rules, and answers with an x-trifacta-request-id on every answer.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { recordRequest } from '../support/recorded-request.ts'
import { jobGroupView } from './bodies.ts'
import { FaultRules, pathMatches } from './faults.ts'
import type { FlowRunView, PlanRunView } from './flow-types.ts'
import { JobStore } from './jobs.ts'
import { DOCUMENTED_TRIGGER_LIMIT, TriggerQuota, injectedRateLimit } from './quota.ts'
import { faultReply } from './replies.ts'
import type { Reply } from './replies.ts'
import { handle } from './routes.ts'
import type { ApiContext } from './routes.ts'
import { FlowsAndPlans } from './runs.ts'
import type { EmulatorOptions, Fault, JobGroupView, JobScenario, RecordedRequest } from './types.ts'

const DEFAULT_TOKEN = 'emulator-token'
const DEFAULT_RECIPES = [7, 42, 1001]
const DEFAULT_FIRST_JOB_GROUP_ID = 4100
const DEFAULT_RETRY_AFTER_SECONDS = 1

export class Emulator {
  readonly url: string
  readonly token: string
  readonly requests: RecordedRequest[] = []
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly faults = new FaultRules()
  private readonly store: JobStore
  private readonly runs: FlowsAndPlans
  private readonly api: Omit<ApiContext, 'now'>
  private rateLimitedCount = 0

  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
    })
    try {
      return new Emulator(server, options)
    } catch (error) {
      server.close() // e.g. a plan whose task names no flow: nothing is left listening
      throw error
    }
  }

  private constructor(server: Server, options: EmulatorOptions) {
    this.server = server
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    this.token = options.token ?? DEFAULT_TOKEN
    this.store = new JobStore(options.firstJobGroupId ?? DEFAULT_FIRST_JOB_GROUP_ID)
    const quota = options.triggerQuota
    const scenarioFor = (recipeId: number): JobScenario | undefined => options.scenarios?.[recipeId] ?? options.scenario
    this.runs = new FlowsAndPlans(options, this.store, scenarioFor)
    this.api = {
      token: this.token,
      echoTokenOnAuthError: options.echoTokenOnAuthError ?? false,
      oauth: options.oauth,
      recipes: new Set([...(options.recipes ?? DEFAULT_RECIPES), ...FlowsAndPlans.recipeIds(options)]),
      legacy: options.legacy ?? false,
      listing: options.listing ?? 'both',
      store: this.store,
      quota: quota && new TriggerQuota(quota.limit, quota.windowMs),
      runs: this.runs,
      scenarioFor,
    }
    for (const fault of options.faults ?? []) this.addFault(fault)
    server.on('connection', (socket) => this.track(socket))
    server.on('request', (req, res) => this.receive(req, res))
  }

  /** How many 429 answers were given (quota, 'rate-limit' faults and 'status' faults alike). */
  get rateLimited(): number {
    return this.rateLimitedCount
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    const wanted = method.toUpperCase()
    return this.requests.filter((request) => request.method === wanted && pathMatches(path, request.path))
  }

  /** Every job group created so far, as it is now. */
  jobGroups(): JobGroupView[] {
    const now = this.advance()
    return this.store.all().map((group) => jobGroupView(group, now))
  }

  /** Every flow run so far (POST /v4/flows/{id}/run), as it is now. */
  flowRuns(): FlowRunView[] {
    return this.runs.flowRunViews(this.advance())
  }

  /** Every plan snapshot run so far (POST /v4/plans/{id}/run), as it is now. */
  planRuns(): PlanRunView[] {
    return this.runs.planRunViews(this.advance())
  }

  /** Creates a job group directly (one that already runs when a test starts); returns its id. */
  createJobGroup(recipeId: number, scenario?: JobScenario): number {
    return this.store.create({ recipeId, scenario: scenario ?? this.api.scenarioFor(recipeId) }, Date.now()).id
  }

  addFault(fault: Fault): void {
    this.faults.add(fault)
  }

  /** Closes the server, destroys open sockets and clears pending delays: nothing is left to keep a process alive. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  private track(socket: Socket): void {
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const at = Date.now()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => res.destroy())
    req.on('end', () => this.dispatch(recordRequest(req, Buffer.concat(chunks).toString('utf8'), at), res))
  }

  private dispatch(request: RecordedRequest, res: ServerResponse): void {
    this.requests.push(request)
    const action = this.faults.pick(request.method, request.path)
    switch (action?.kind) {
      case undefined:
        return this.answer(res, request, this.handle(request))
      case 'status':
        return this.answer(res, request, faultReply(action))
      case 'rate-limit':
        return this.answer(res, request, this.injectedRateLimit(request, action.retryAfterSeconds))
      case 'reset':
        res.destroy()
        return
      case 'act-then-reset':
        this.handle(request)
        res.destroy()
        return
      case 'delay':
        return this.later(action.ms, () => this.answer(res, request, this.handle(request)))
    }
  }

  private handle(request: RecordedRequest): Reply {
    return handle({ ...this.api, now: this.advance() }, request)
  }

  /** Starts the plan tasks that are due (they start as their predecessor completes); returns the time used. */
  private advance(): number {
    const now = Date.now()
    this.runs.advance(now)
    return now
  }

  private injectedRateLimit(request: RecordedRequest, retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS): Reply {
    const quota = this.runs.rateLimitFor(request.method, request.path)
    const limit = quota?.limit ?? this.api.quota?.limit ?? DOCUMENTED_TRIGGER_LIMIT
    return injectedRateLimit(limit, retryAfterSeconds, Date.now(), quota?.operation)
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, ms)
    this.timers.add(timer)
  }

  private answer(res: ServerResponse, request: RecordedRequest, reply: Reply): void {
    if (res.destroyed) return // the client gave up (e.g. during a delay): nothing is answered
    const requestId = randomUUID()
    request.status = reply.status
    request.requestId = requestId
    if (reply.status === 429) this.rateLimitedCount += 1
    res.writeHead(reply.status, { 'x-trifacta-request-id': requestId, ...contentType(reply), ...reply.headers })
    res.end(payload(reply))
  }
}

function contentType(reply: Reply): Record<string, string> {
  if (reply.raw !== undefined) return { 'content-type': reply.contentType ?? 'text/html' }
  if (reply.body !== undefined) return { 'content-type': reply.contentType ?? 'application/json' }
  return {}
}

function payload(reply: Reply): string | undefined {
  return reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body))
}
