// The action's own API classes and kinds of run, talking to the emulator through the production transport, with
// every answer they receive kept: the contract test validates each against its schema and checks what the action
// made of it.
import { ApiClient, staticToken, type Budget } from '../../src/api/api-client.ts'
import { JobGroupsApi } from '../../src/api/job-groups.ts'
import { createHttpTransport, type Transport } from '../../src/http/transport.ts'
import { realClock } from '../../src/shared/clock.ts'
import type { StartContext } from '../../src/targets/run-kind.ts'
import type { Emulator } from '../emulator/index.ts'
import type { Call } from './schemas.ts'

/** One answer the action received. */
export interface Received {
  method: string
  /** Path and query, as sent. */
  target: string
  status: number
  body: string
}

/** The call a request is, by method and path (the query decides only runFlow's short answer). */
const CALLS: [string, RegExp, Call][] = [
  ['POST', /^\/v4\/jobGroups$/, 'POST /v4/jobGroups'],
  ['GET', /^\/v4\/jobGroups\/\d+$/, 'GET /v4/jobGroups/{id}'],
  ['GET', /^\/v4\/jobGroups\/\d+\/status$/, 'GET /v4/jobGroups/{id}/status'],
  ['GET', /^\/v4\/jobGroups\/\d+\/jobs$/, 'GET /v4/jobGroups/{id}/jobs'],
  ['GET', /^\/v4\/jobGroups\/\d+\/outputs$/, 'GET /v4/jobGroups/{id}/outputs'],
  ['POST', /^\/v4\/jobGroups\/\d+\/cancel$/, 'POST /v4/jobGroups/{id}/cancel'],
  ['GET', /^\/v4\/jobLibrary$/, 'GET /v4/jobLibrary'],
  ['GET', /^\/v4\/jobGroups$/, 'GET /v4/jobGroups'],
  ['POST', /^\/v4\/flows\/\d+\/run$/, 'POST /v4/flows/{id}/run'],
  ['GET', /^\/v4\/flowRuns\/\d+\/status$/, 'GET /v4/flowRuns/{id}/status'],
  ['GET', /^\/v4\/flowRuns\/\d+\/jobGroups$/, 'GET /v4/flowRuns/{id}/jobGroups'],
  ['POST', /^\/v4\/plans\/\d+\/run$/, 'POST /v4/plans/{id}/run'],
  ['GET', /^\/v4\/planSnapshotRuns\/\d+$/, 'GET /v4/planSnapshotRuns/{id}'],
  ['POST', /^\/v4\/planSnapshotRuns\/\d+\/cancel$/, 'POST /v4/planSnapshotRuns/{id}/cancel'],
  ['GET', /^\/v4\/plans\/\d+\/full$/, 'GET /v4/plans/{id}/full']
]

export function callOf(received: Received): Call | undefined {
  const path = received.target.split('?')[0]!
  if (received.status >= 400) return 'error'
  const call = CALLS.find(([method, pattern]) => method === received.method && pattern.test(path))?.[2]
  return call === 'POST /v4/flows/{id}/run' && received.target.includes('runAsync=true')
    ? 'POST /v4/flows/{id}/run?runAsync=true'
    : call
}

export interface Recording {
  api: JobGroupsApi
  received: Received[]
  budget: () => Budget
  ctx: () => StartContext
}

/** The action's JobGroupsApi on `emulator`, over the production transport, keeping every answer. */
export function recording(emulator: Emulator): Recording {
  const received: Received[] = []
  const http = createHttpTransport('contract-test')
  const transport: Transport = async (request) => {
    const response = await http(request)
    const url = new URL(request.url)
    received.push({
      method: request.method,
      target: url.pathname + url.search,
      status: response.status,
      body: response.body
    })
    return response
  }
  const client = new ApiClient({
    apiUrl: emulator.url,
    tokens: staticToken(emulator.token),
    userAgent: 'contract-test',
    transport,
    clock: realClock,
    requestTimeoutMs: 10_000,
    onRetry: () => undefined
  })
  const budget = (): Budget => ({ deadline: Date.now() + 30_000, persistMs: 30_000 })
  const ctx = (): StartContext => ({
    executionId: `contract-${Math.random()}`,
    stepStartedAt: Date.now(),
    deadline: Date.now() + 30_000,
    clock: realClock,
    log: { debug: () => undefined, warning: () => undefined }
  })
  return { api: new JobGroupsApi(client, () => undefined), received, budget, ctx }
}
