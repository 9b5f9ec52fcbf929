// The four promises of the action, as checks every hostile-server test makes on a finished run: no job group
// started twice, no job that is not its own reported or cancelled, no secret anywhere, no workflow command that the
// action did not mean (and a summary in which no HTML from the server survives). Also the time-lapse option that
// lets a test cross the 5-minute windows of the action in seconds.
import { marked } from 'marked'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect } from 'vitest'
import type { Emulator } from '../../emulator/index.ts'
import { expectNoSecretLeak } from '../../support/e2e.ts'
import type { ActionResult, RunOptions } from '../../support/run-action.ts'

export interface Allowed {
  /** Job groups this step may have created (origin 'api'): exactly this many; default at most one. */
  ownJobGroups?: number
  /** POST /v4/jobGroups sent: exactly this many; default any number, all with one x-execution-id. */
  triggers?: number
  /** Origins of links in the summary; default the emulator's URL (the app URL derived from api-url). */
  linkOrigins?: string[]
}

/** Every promise at once: the checks below, for a run against `e`. */
export function expectPromisesKept(e: Emulator, result: ActionResult, allowed: Allowed = {}): void {
  expectNoDuplicate(e, allowed)
  expectNoForeignJobTouched(e, result)
  expectNoSecretLeak(result)
  expectNoForgedCommand(result.stdout)
  expectSafeSummary(result.summary, allowed.linkOrigins ?? [new URL(e.url).origin])
}

/** At most one job group of this step's own, and every trigger sent carries the one execution id. */
export function expectNoDuplicate(e: Emulator, allowed: Allowed = {}): void {
  const own = e.jobGroups().filter((g) => g.origin === 'api')
  if (allowed.ownJobGroups === undefined) expect(own.length, 'job groups this step created').toBeLessThanOrEqual(1)
  else expect(own, 'job groups this step created').toHaveLength(allowed.ownJobGroups)
  const triggers = e.requestsTo('POST', '/v4/jobGroups')
  if (allowed.triggers !== undefined) expect(triggers, 'POST /v4/jobGroups sent').toHaveLength(allowed.triggers)
  expect(new Set(triggers.map((r) => r.headers['x-execution-id'])).size).toBeLessThanOrEqual(1)
}

/** Another client's job groups: never cancelled, never in an output, the state or the summary's headline. */
export function expectNoForeignJobTouched(e: Emulator, result: ActionResult): void {
  for (const group of e.jobGroups().filter((g) => g.origin === 'foreign')) {
    const id = String(group.id)
    expect(e.requestsTo('POST', `/v4/jobGroups/${id}/cancel`), `cancels of foreign job group ${id}`).toHaveLength(0)
    expect(group.canceled).toBe(false)
    expect(result.outputs['job-id']).not.toBe(id)
    expect(result.outputs['job-url'] ?? '').not.toMatch(new RegExp(`/jobs/${id}$`))
    for (const key of ['runId', 'jobId']) expect(result.state[key]).not.toBe(id)
    expect((result.state.jobIds ?? '').split(',')).not.toContain(id)
    expect(result.summary).not.toMatch(new RegExp(`^### Job ${id}\\b`, 'm'))
  }
}

/** The commands the action itself emits (file commands carry outputs and state). */
const OWN_COMMANDS = new Set(['add-mask', 'debug', 'warning', 'error', 'notice', 'group', 'endgroup'])
/** What the runner would take as a command at the start of a line. */
const COMMAND_START = /^(::[A-Za-z_-]+|##\[|##vso\[)/

/**
 * No forged workflow command: every stdout line that starts with `::` (leading white space ignored) is one of the
 * action's own commands, no line starts with a legacy `##[` command, and no command's payload or properties, once
 * the runner's escapes are undone, holds a line that would be a command if printed plainly.
 */
export function expectNoForgedCommand(stdout: string): void {
  for (const line of stdout.split(/\r?\n/)) {
    const text = line.trimStart()
    if (!text.startsWith('::')) {
      expect(COMMAND_START.test(text), `a line that the runner takes as a command: ${line}`).toBe(false)
      continue
    }
    const command = /^::([A-Za-z_-]+)(?: (.*?))?::(.*)$/.exec(text)
    expect(command, `a malformed command line: ${line}`).not.toBeNull()
    const [, name = '', properties = '', payload = ''] = command!
    expect(OWN_COMMANDS.has(name), `a command the action does not emit: ${line}`).toBe(true)
    for (const part of [unescapeCommand(properties), unescapeCommand(payload)]) {
      for (const inner of part.split(/\r\n|\r|\n/)) {
        expect(COMMAND_START.test(inner.trimStart()), `a command inside ${name}: ${line}`).toBe(false)
      }
    }
  }
}

function unescapeCommand(text: string): string {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%')
}

/** Elements the action's summary is made of; anything else came from somewhere else. */
const SUMMARY_ELEMENTS = new Set([
  'blockquote',
  'h3',
  'h4',
  'p',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'a',
  'b',
  'code',
  'br',
  'ul',
  'li',
  // The telling lines of a failed stage's log, one per line, escaped.
  'pre'
])

/**
 * The summary as GitHub would render its Markdown (with `marked`): only the action's own elements, no event
 * handler attributes, links only to `linkOrigins`, and under GitHub's 1 MiB limit.
 */
export function expectSafeSummary(summary: string, linkOrigins: string[]): void {
  expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(1024 * 1024)
  const html = marked.parse(summary, { async: false })
  for (const [, name = ''] of html.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)/g)) {
    expect(SUMMARY_ELEMENTS.has(name.toLowerCase()), `an element <${name}> in the rendered summary`).toBe(true)
  }
  for (const [tag = ''] of html.matchAll(/<[A-Za-z][^>]*>/g)) {
    expect(/\son[a-z]+\s*=/i.test(tag), `an event handler in the summary: ${tag}`).toBe(false)
  }
  for (const [, href = ''] of html.matchAll(/href="([^"]*)"/g)) {
    const origin = URL.canParse(href) ? new URL(href).origin : href
    expect([...linkOrigins, 'https://github.com'], `a link to ${href} in the summary`).toContain(origin)
  }
}

const TIME_LAPSE_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../support/time-lapse.mjs')

/** Run options that make the action's clock and timers run `factor` times faster (see time-lapse.mjs). */
export function timeLapse(factor: number, options: RunOptions = {}): RunOptions {
  return {
    ...options,
    nodeArgs: ['--import', pathToFileURL(TIME_LAPSE_FILE).href, ...(options.nodeArgs ?? [])],
    env: { ...options.env, TIME_LAPSE: String(factor) }
  }
}

/** The stdout and summary together, for wording checks that do not care where a sentence went. */
export function everything(result: ActionResult): string {
  return `${result.stdout}\n${result.summary}`
}
