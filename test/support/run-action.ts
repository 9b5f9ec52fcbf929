// Runs the built action the way the GitHub runner does: a Node process with INPUT_* variables (action.yml
// defaults filled in), the runner's file commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY, …) as fresh
// files, and STATE_* variables for the post step.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { GITHUB_TOKEN } from './fake-tokens.ts'

export interface ActionResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  /** GITHUB_OUTPUT and GITHUB_STATE as written, every value (also one written over later) included. */
  files: { output: string; state: string }
  durationMs: number
}

export interface RunOptions {
  /** Set on top of the runner-like environment. */
  env?: Record<string, string>
  /** Run the post step (runs.post of action.yml) with `state` as STATE_* variables. */
  post?: boolean
  state?: Record<string, string>
  /** Entry file, relative to the repository root or absolute; default runs.main (or runs.post) of action.yml. */
  entry?: string
  /** SIGKILL the action after this long; default 60000. */
  timeoutMs?: number
  /** Node options before the entry file, e.g. ['--import', preloadFile]. */
  nodeArgs?: string[]
}

export interface RunningAction {
  child: ChildProcess
  result: Promise<ActionResult>
  /** Resolves as soon as stdout + stderr so far match `pattern`; rejects on timeout or exit without a match. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DEFAULT_ENTRY = 'dist/index.js'
const DEFAULT_TIMEOUT_MS = 60_000
const DEFAULT_WAIT_MS = 10_000
const GITHUB_TOKEN_EXPRESSION = /^\$\{\{\s*github\.token\s*\}\}$/

interface CommandFiles {
  dir: string
  output: string
  state: string
  summary: string
  env: string
  path: string
  event: string
  runnerTemp: string
}

export function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionResult> {
  return startAction(inputs, options).result
}

export function startAction(inputs: Record<string, string>, options: RunOptions = {}): RunningAction {
  const files = createCommandFiles()
  const env = {
    ...runnerEnv(files),
    ...inputEnv({ ...actionDefaults(), ...inputs }),
    ...(options.post ? stateEnv(options.state ?? {}) : {}),
    ...options.env
  }
  const started = Date.now()
  const args = [...(options.nodeArgs ?? []), entryFile(options)]
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = new OutputWatch()
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.append('stdout', chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.append('stderr', chunk))

  const result = new Promise<ActionResult>((resolvePromise, reject) => {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const timer = setTimeout(() => {
      output.append('stderr', `\n[run-action] killed with SIGKILL after ${timeoutMs} ms\n`)
      child.kill('SIGKILL')
    }, timeoutMs)
    const finish = (): void => {
      clearTimeout(timer)
      output.end()
    }
    child.once('error', (error) => {
      finish()
      rmSync(files.dir, { recursive: true, force: true })
      reject(error)
    })
    child.once('close', (code, signal) => {
      finish()
      try {
        resolvePromise({
          code,
          signal,
          ...output.streams(),
          ...readCommandFiles(files),
          durationMs: Date.now() - started
        })
      } catch (error) {
        reject(error)
      } finally {
        rmSync(files.dir, { recursive: true, force: true })
      }
    })
  })
  return { child, result, waitForOutput: (pattern, timeoutMs = DEFAULT_WAIT_MS) => output.wait(pattern, timeoutMs) }
}

/** The defaults action.yml declares for its inputs, as the runner would fill them in. */
export function actionDefaults(): Record<string, string> {
  const inputs = prop(readActionYml(), 'inputs')
  const defaults: Record<string, string> = {}
  if (typeof inputs !== 'object' || inputs === null) return defaults
  for (const [name, spec] of Object.entries(inputs)) {
    const value = defaultValue(prop(spec, 'default'))
    if (value !== undefined) defaults[name] = value
  }
  return defaults
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIMITER` heredocs (as @actions/core writes them)
 * and `name=value` lines, telling them apart the way the runner does (whichever of '=' and '<<' comes first).
 */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      result[line.slice(0, equals)] = line.slice(equals + 1)
    } else if (heredoc >= 0) {
      const delimiter = line.slice(heredoc + 2)
      const end = lines.indexOf(delimiter, i + 1)
      if (end < 0) throw new Error(`parseCommandFile: no closing delimiter ${delimiter} for ${line.slice(0, heredoc)}`)
      result[line.slice(0, heredoc)] = lines.slice(i + 1, end).join('\n')
      i = end
    }
  }
  return result
}

function createCommandFiles(): CommandFiles {
  const dir = mkdtempSync(join(tmpdir(), 'run-action-'))
  const files: CommandFiles = {
    dir,
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'step-summary.md'),
    env: join(dir, 'env'),
    path: join(dir, 'path'),
    event: join(dir, 'event.json'),
    runnerTemp: join(dir, 'runner-temp')
  }
  for (const file of [files.output, files.state, files.summary, files.env, files.path]) writeFileSync(file, '')
  writeFileSync(files.event, '{}')
  mkdirSync(files.runnerTemp)
  return files
}

function runnerEnv(files: CommandFiles): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: files.runnerTemp,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/pipelines',
    GITHUB_RUN_ID: '1234',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'run',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: files.event
  }
}

/** INPUT_<NAME> exactly as @actions/core reads it: spaces become '_', upper case, dashes kept. */
function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  )
}

/** The runner passes saved state to the post step as STATE_<name>, the name as saved. */
function stateEnv(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
}

function readCommandFiles(files: CommandFiles): Pick<ActionResult, 'outputs' | 'summary' | 'state' | 'files'> {
  const output = readFileSync(files.output, 'utf8')
  const state = readFileSync(files.state, 'utf8')
  return {
    outputs: parseCommandFile(output),
    summary: readFileSync(files.summary, 'utf8'),
    state: parseCommandFile(state),
    files: { output, state }
  }
}

function entryFile(options: RunOptions): string {
  const runs = prop(readActionYml(), 'runs')
  const declared = prop(runs, options.post ? 'post' : 'main')
  return resolve(REPO_ROOT, options.entry ?? (typeof declared === 'string' ? declared : DEFAULT_ENTRY))
}

/** The parsed action.yml, or undefined while it does not exist; invalid YAML throws (the runner rejects it too). */
function readActionYml(): unknown {
  const file = join(REPO_ROOT, 'action.yml')
  if (!existsSync(file)) return undefined
  try {
    return parse(readFileSync(file, 'utf8')) as unknown
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error
    })
  }
}

/** A default as the runner would give it; expressions are skipped, except ${{ github.token }} (faked). */
function defaultValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  const text = String(value)
  if (!text.includes('${{')) return text
  return GITHUB_TOKEN_EXPRESSION.test(text.trim()) ? GITHUB_TOKEN : undefined
}

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

interface Waiter {
  pattern: RegExp
  resolve: () => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/** Collects a child's stdout and stderr and lets callers wait for a pattern in both together. */
class OutputWatch {
  private stdout = ''
  private stderr = ''
  private combined = ''
  private ended = false
  private readonly waiters = new Set<Waiter>()

  append(stream: 'stdout' | 'stderr', chunk: string): void {
    if (stream === 'stdout') this.stdout += chunk
    else this.stderr += chunk
    this.combined += chunk
    for (const waiter of this.waiters) if (this.matches(waiter.pattern)) this.settle(waiter)
  }

  streams(): { stdout: string; stderr: string } {
    return { stdout: this.stdout, stderr: this.stderr }
  }

  wait(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (this.matches(pattern)) return Promise.resolve()
    if (this.ended) return Promise.reject(this.missing(pattern, 'the action exited'))
    return new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => this.settle(waiter, this.missing(pattern, `${timeoutMs} ms passed`)), timeoutMs)
      const waiter: Waiter = { pattern, resolve: resolvePromise, reject, timer }
      this.waiters.add(waiter)
    })
  }

  /** The child is gone: whoever still waits will not see their pattern. */
  end(): void {
    this.ended = true
    for (const waiter of this.waiters) this.settle(waiter, this.missing(waiter.pattern, 'the action exited'))
  }

  private matches(pattern: RegExp): boolean {
    return this.combined.search(pattern) >= 0
  }

  private settle(waiter: Waiter, error?: Error): void {
    clearTimeout(waiter.timer)
    this.waiters.delete(waiter)
    if (error) waiter.reject(error)
    else waiter.resolve()
  }

  private missing(pattern: RegExp, reason: string): Error {
    return new Error(`${reason} before the output matched ${pattern}; output so far:\n${this.combined}`)
  }
}
