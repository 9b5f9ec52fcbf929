/**
 * Cold start of the bundled action: time from spawning `node dist/index.js` to its first HTTP request (to a local
 * server answering 401), next to the run time of `node -e 0`, both as medians over several runs after a warm-up.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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

/** One run of the action: milliseconds from spawn to its first request. */
async function actionFirstRequestMs(server: FirstRequestServer, entry: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'trifacta-bench-'))
  try {
    const env = actionEnv(server.url, dir)
    server.takeFirstRequestAt()
    const spawnedAt = performance.now()
    const run = await runNode([entry], env)
    const requestAt = server.takeFirstRequestAt()
    if (requestAt === undefined) {
      throw new Error(
        `the action ${run.killed ? 'was killed after 10 s' : 'exited'} without sending a ` + `request:\n${run.output}`
      )
    }
    if (run.killed)
      console.error(
        `note: the action was still running ${KILL_AFTER_MS / 1000} s after its first ` + `request and was killed`
      )
    return requestAt - spawnedAt
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

/** Median and minimum of `measure` over RUNS runs, after WARM_UPS discarded ones; runs one at a time. */
async function time(measure: () => Promise<number>): Promise<Timing> {
  for (let i = 0; i < WARM_UPS; i++) await measure()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) samples.push(await measure())
  samples.sort((a, b) => a - b)
  const middle = samples.length / 2
  const medianMs =
    samples.length % 2 === 0 ? (samples[middle - 1]! + samples[middle]!) / 2 : samples[Math.floor(middle)]!
  return { medianMs, minMs: samples[0]! }
}

export async function measureColdStart(entry: string): Promise<{ action: Timing; nodeNoop: Timing; runs: number }> {
  const server = await startServer()
  try {
    const action = await time(() => actionFirstRequestMs(server, entry))
    const nodeNoop = await time(nodeNoopMs)
    return { action, nodeNoop, runs: RUNS }
  } finally {
    await server.close()
  }
}
