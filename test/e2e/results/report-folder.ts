// Shared by the tests of logs and results: a RUNNER_TEMP of the test's own (kept after the run, removed after the
// test), the report folder's files (the archives' entries too), and the step log's groups.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, expect } from 'vitest'
import type { ActionResult } from '../../support/run-action.ts'
import { FAKE_SECRETS } from '../../support/fake-tokens.ts'

const temps: string[] = []
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A RUNNER_TEMP for one run, removed after the test. */
export function runnerTemp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runner-temp-'))
  temps.push(dir)
  return dir
}

/** Every file under `dir` by its path relative to it; a .zip's entries also as `<zip>!<entry>`. */
export function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(dir, path)] = readFileSync(path, 'latin1')
    }
  }
  walk(dir)
  for (const [name, content] of Object.entries(files)) {
    if (!name.endsWith('.zip')) continue
    for (const [entry, data] of Object.entries(unzipSync(Buffer.from(content, 'latin1')))) {
      files[`${name}!${entry}`] = strFromU8(data)
    }
  }
  return files
}

/** No fake secret in any file of the folder, nor in an archive's entries. */
export function expectNoSecretIn(files: Record<string, string>, secrets: readonly string[] = FAKE_SECRETS): void {
  for (const [name, content] of Object.entries(files)) {
    for (const secret of secrets) expect(content.includes(secret), `${name} holds a secret`).toBe(false)
  }
}

/** The step log's groups: title and lines, as the runner would fold them. */
export function logGroups(result: ActionResult): { title: string; lines: string[] }[] {
  const groups: { title: string; lines: string[] }[] = []
  let current: { title: string; lines: string[] } | undefined
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('::group::')) groups.push((current = { title: line.slice('::group::'.length), lines: [] }))
    else if (line.startsWith('::endgroup::')) current = undefined
    else current?.lines.push(line)
  }
  return groups
}

/** Lines of stdout the runner would read as a workflow command, apart from the action's own. */
export function forgedCommands(result: ActionResult): string[] {
  const own = /^::(add-mask|group|endgroup|error title=Job \d+ Failed|warning|debug)::?/
  return result.stdout.split('\n').filter((line) => /^\s*(::|##\[|##vso\[)/.test(line) && !own.test(line))
}
