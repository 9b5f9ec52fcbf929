/**
 * Start-up of the bundled action: time from spawning `node dist/index.js` to its first HTTP request (to a local
 * server answering 401) and to its exit, and from spawning the post step (nothing to clean up) to its exit, each
 * divided by the run time of a `node -e 0` measured just before it (pair by pair, so that a busy machine slows
 * both), as medians over several rounds after a warm-up.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatTable } from './table.ts'

const RUNS = 10
const WARM_UPS = 1
const KILL_AFTER_MS = 10_000
const UNAUTHORIZED_BODY = JSON.stringify({
  exception: { name: 'AuthenticationFailed', message: 'Invalid token', details: '' }
})

export interface Timing {
  medianMs: number
  minMs: number
}

interface ProcessRun {
  /** performance.now() when the process exited. */
  exitAt: number
  killed: boolean
  output: string
}

/** Records when the first request since the last `take` arrived; answers every request 401 Invalid token. */
interface FirstRequestServer {
  url: string
  takeFirstRequestAt(): number | undefined
  close(): Promise<void>
}

async function startServer(): Promise<FirstRequestServer> {
  let firstRequestAt: number | undefined
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    firstRequestAt ??= performance.now()
    request.resume()
    response.writeHead(401, { 'content-type': 'application/json', 'x-trifacta-request-id': 'bench' })
    response.end(UNAUTHORIZED_BODY)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    takeFirstRequestAt: () => {
      const at = firstRequestAt
      firstRequestAt = undefined
      return at
    },
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    }
  }
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['PATH', 'HOME']) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return env
}

/** Spawns `node args`, SIGKILLs it after KILL_AFTER_MS, and resolves once it has exited and its output is read. */
function runNode(args: readonly string[], env: Record<string, string>): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let exitAt = 0
    let killed = false
    const timer = setTimeout(() => {
      killed = true
      child.kill('SIGKILL')
    }, KILL_AFTER_MS)
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', () => (exitAt = performance.now()))
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      resolve({ exitAt, killed, output })
    })
  })
}

/** The runner's environment for the action: inputs as INPUT_* and fresh file commands in `dir`. */
function actionEnv(apiUrl: string, dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    files[name] = join(dir, name.toLowerCase())
    writeFileSync(files[name], '')
  }
  return {
    ...baseEnv(),
    'INPUT_API-URL': apiUrl,
    'INPUT_API-TOKEN': 'bench-token',
    'INPUT_RECIPE-ID': '7',
    INPUT_WAIT: 'true',
    INPUT_TIMEOUT: '6h',
    'INPUT_POLL-INTERVAL': '2s',
    'INPUT_MAX-POLL-INTERVAL': '60s',
    'INPUT_REQUEST-TIMEOUT': '30s',
    'INPUT_FAIL-ON-JOB-FAILURE': 'true',
    'INPUT_CANCEL-ON-TIMEOUT': 'true',
    'INPUT_CANCEL-ON-WORKFLOW-CANCEL': 'true',
    'INPUT_COMMENT-ON-PR': 'false',
    'INPUT_GITHUB-TOKEN': 'x',
    ...files
  }
}

/** One run of the action: milliseconds from spawn to its first request, and to its exit. */
async function actionRun(server: FirstRequestServer, entry: string): Promise<{ requestMs: number; exitMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trifacta-bench-'))
  try {
    const env = actionEnv(server.url, dir)
    server.takeFirstRequestAt()
    const spawnedAt = performance.now()
    const run = await runNode([entry], env)
    const requestAt = server.takeFirstRequestAt()
    if (requestAt === undefined || run.killed) {
      throw new Error(`the action ${run.killed ? 'was killed after 10 s' : 'sent no request'}:\n${run.output}`)
    }
    return { requestMs: requestAt - spawnedAt, exitMs: run.exitAt - spawnedAt }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** One run of the post step with no saved state (the usual case: nothing to clean up): spawn to exit. */
async function postRun(server: FirstRequestServer, entry: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'trifacta-bench-'))
  try {
    const spawnedAt = performance.now()
    const run = await runNode([entry], actionEnv(server.url, dir))
    if (run.killed) throw new Error(`the post step was killed after 10 s:\n${run.output}`)
    return run.exitAt - spawnedAt
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** One run of `node -e 0`: milliseconds from spawn to exit. */
async function nodeNoopMs(): Promise<number> {
  const spawnedAt = performance.now()
  const run = await runNode(['-e', '0'], baseEnv())
  return run.exitAt - spawnedAt
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length / 2
  return sorted.length % 2 === 0 ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!
}

/** The table: for each measure, the median ms and the median of its ratios to the `node -e 0` of its pair. */
export async function measureStartUp(main: string, post: string, title: string): Promise<string> {
  const server = await startServer()
  const samples = { noop: [] as number[], request: [] as number[], exit: [] as number[], post: [] as number[] }
  const ratios = { request: [] as number[], exit: [] as number[], post: [] as number[] }
  try {
    for (let round = -WARM_UPS; round < RUNS; round++) {
      const noop = await nodeNoopMs()
      const action = await actionRun(server, main)
      const noop2 = await nodeNoopMs()
      const postMs = await postRun(server, post)
      if (round < 0) continue
      samples.noop.push(noop, noop2)
      samples.request.push(action.requestMs)
      samples.exit.push(action.exitMs)
      samples.post.push(postMs)
      ratios.request.push(action.requestMs / noop)
      ratios.exit.push(action.exitMs / noop)
      ratios.post.push(postMs / noop2)
    }
  } finally {
    await server.close()
  }
  const row = (what: string, ms: number[], r?: number[]): string[] => [
    what,
    median(ms).toFixed(1),
    r ? `${median(r).toFixed(2)} ×` : '1 ×'
  ]
  const rows = [
    row('node -e 0: spawn to exit', samples.noop),
    row('main step: spawn to first request', samples.request, ratios.request),
    row('main step: spawn to exit (after a 401)', samples.exit, ratios.exit),
    row('post step: spawn to exit (nothing to clean up)', samples.post, ratios.post)
  ]
  const columns = [
    { header: 'what' },
    { header: 'median ms', align: 'right' as const },
    { header: 'ratio', align: 'right' as const }
  ]
  const goal = median(ratios.request) <= 2.5 ? 'goal met' : 'goal NOT met'
  return (
    `${formatTable(`${title}, ${RUNS} rounds after ${WARM_UPS} warm-up`, columns, rows)}\n\n` +
    `Start-up to the first request: ${median(ratios.request).toFixed(2)} × node -e 0 (goal ≤ 2.5 ×: ${goal})`
  )
}
