// The keep-alive workflow of docs/aac.md is what its text promises: scheduled at least weekly, a dry run with
// the refresh token and no run target that writes the rotated token back, in the same concurrency group as the AAC
// runs. (The README tests run it against the emulator and check that the secret ends holding the one refresh token
// that works.)
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { asRecord, markdownExamples, parseYaml } from '../support/readme-examples.ts'

const root = resolve(import.meta.dirname, '../..')
const pages = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'))
const workflows = pages
  .flatMap((page) => markdownExamples(readFileSync(join(root, page), 'utf8'), page))
  .map((example) => asRecord(parseYaml(example.code, example.where).value))
  .filter((w) => 'jobs' in w)
const thisActionSteps = (workflow: Record<string, unknown>): Record<string, unknown>[] =>
  Object.values(asRecord(workflow.jobs)).flatMap((job) => {
    const steps = asRecord(job).steps
    return (Array.isArray(steps) ? steps : []).map(asRecord).filter((s) => String(s.uses ?? '').includes('run-job'))
  })
const withOf = (step: Record<string, unknown>): Record<string, unknown> => asRecord(step.with)

describe('the keep-alive workflow of the docs', () => {
  const keepAlive = workflows.filter((w) =>
    thisActionSteps(w).some(
      (s) => withOf(s)['dry-run'] === true && withOf(s)['refresh-token'] && !withOf(s)['recipe-id']
    )
  )

  it('exists once, runs on a schedule at least weekly, and writes the rotated token back', () => {
    expect(keepAlive).toHaveLength(1)
    const [workflow] = keepAlive
    const schedule = asRecord(workflow!.on).schedule as { cron: string }[]
    const [, , dayOfMonth, month, dayOfWeek] = schedule[0]!.cron.split(/\s+/)
    expect([dayOfMonth, month]).toEqual(['*', '*'])
    expect(dayOfWeek).not.toBe(undefined)
    const step = withOf(thisActionSteps(workflow!)[0]!)
    expect(step['refresh-token-secret']).toBe('AAC_REFRESH_TOKEN')
    for (const target of ['recipe-id', 'flow-id', 'plan-id', 'job-id']) expect(step[target]).toBeUndefined()
  })

  it('shares the concurrency group of the workflows that sign in with the same refresh token', () => {
    const group = (w: Record<string, unknown>): unknown => asRecord(w.concurrency).group
    const runs = workflows.filter(
      (w) => !keepAlive.includes(w) && thisActionSteps(w).some((s) => withOf(s)['refresh-token'])
    )
    expect(runs.length).toBeGreaterThan(0)
    for (const run of runs) expect(group(keepAlive[0]!)).toBe(group(run))
    expect(asRecord(keepAlive[0]!.concurrency)['cancel-in-progress']).toBe(false)
  })
})
