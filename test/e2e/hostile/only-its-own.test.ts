// Promise: the action never reports or cancels a job that is not its own. When the trigger's answer is lost, a job
// group is adopted from the history only when it is the one job group of the recipe created since the first send;
// with another run's job group in that window nothing is guessed: the step fails saying the job may have started,
// lists the candidates with links, sends nothing more and cancels nothing, now or in the post step.
import { describe, expect, it } from 'vitest'
import type { Emulator, Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, start } from '../../support/e2e.ts'
import type { ActionResult } from '../../support/run-action.ts'
import { everything, expectNoForgedCommand, expectPromisesKept, expectSafeSummary } from './promises.ts'

const TRIGGER = { method: 'POST', path: '/v4/jobGroups' } as const
const LOST_ANSWER: Fault = { ...TRIGGER, action: { kind: 'act-then-reset' } }
const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
const cancels = (e: Emulator) => e.requestsTo('POST', /^\/v4\/jobGroups\/\d+\/cancel$/)

/** The step failed without adopting anything, listing every job group of the recipe as a candidate. */
function expectCandidatesListed(e: Emulator, result: ActionResult, ids: number[]): void {
  expect(result.code).toBe(1)
  const error = errors(result).join('\n')
  expect(error).toMatch(/^::error title=The job may have started::The job may have started: /)
  expect(error).toContain(`shows ${ids.length} job groups of recipe 7 created since then`)
  for (const id of ids) expect(error).toContain(`${id} (${e.url}/jobs/${id})`)
  expect(error).toContain('None is adopted or cancelled')
  expect(error).toContain('the trigger is not sent again')
  expect(everything(result)).not.toMatch(/could not (start|be run)|nothing was (sent|started)/i)
  expect(result.outputs['job-id'] ?? '').toBe('')
  expect(result.state.runId).toBeUndefined()
}

describe('another run of the same recipe while the answer is lost', () => {
  // The history is read once the other run's job group exists: its answer comes 1.5 s late.
  const slowHistory: Fault = { method: 'GET', path: '/v4/jobLibrary', action: { kind: 'delay', ms: 1500 } }
  it.each<[string, Fault[]]>([
    ['created just after this step’s own', [{ ...TRIGGER, action: { kind: 'foreign-job-group', when: 'after' } }]],
    [
      'created just before, 200 ms earlier',
      [{ ...TRIGGER, action: { kind: 'foreign-job-group', when: 'before', createdAtOffsetMs: -200 } }]
    ],
    ['created a second later', [{ ...TRIGGER, action: { kind: 'foreign-job-group', delayMs: 1000 } }, slowHistory]]
  ])('%s: fails listing both candidates, adopts, sends and cancels nothing', async (_name, faults) => {
    const e = await emulator({ scenario: LONG_JOB, faults: [...faults, LOST_ANSWER] })
    const result = await run(inputsFor(e))

    const ids = e.jobGroups().map((g) => g.id)
    expect(ids).toHaveLength(2)
    expectCandidatesListed(e, result, ids)
    expect(cancels(e)).toHaveLength(0)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a job group of the recipe created before the first send is no candidate: its own is adopted', async () => {
    const e = await emulator({ faults: [LOST_ANSWER] })
    const earlier = e.createJobGroup(7, LONG_JOB, { createdAt: Date.now() - 30_000 })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs['job-id']).toBe(String(earlier + 1))
    expect(result.outputs.status).toBe('Complete')
    expect(cancels(e)).toHaveLength(0)
    expect(e.jobGroups().find((g) => g.id === earlier)!.status).toBe('InProgress')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('two steps start the recipe at once, both answers lost: neither adopts the other’s job group', async () => {
    const e = await emulator({ scenario: LONG_JOB, faults: [{ ...LOST_ANSWER, times: 2 }] })
    const inputs = inputsFor(e, { timeout: '4s' })
    const steps = ['1001', '1002'].map((runId) => start(inputs, { env: { GITHUB_RUN_ID: runId } }))
    const results = await Promise.all(steps.map((s) => s.result))

    const groups = e.jobGroups()
    expect(groups).toHaveLength(2)
    for (const [i, result] of results.entries()) {
      const runId = i === 0 ? '1001' : '1002'
      const adopted = result.outputs['job-id']
      if (adopted) {
        // Adopting is allowed only for the step's own job group (its x-execution-id names its run).
        expect(groups.find((g) => String(g.id) === adopted)!.executionId).toMatch(new RegExp(`^gha-${runId}-`))
      } else {
        expectCandidatesListed(
          e,
          result,
          groups.map((g) => g.id)
        )
      }
      expectNoForgedCommand(result.stdout)
      expectSafeSummary(result.summary, [new URL(e.url).origin])
    }
    // Whatever the timing, a step adopts only its own, and cancels only what it adopted.
    for (const cancel of cancels(e)) {
      const id = /\/(\d+)\/cancel$/.exec(cancel.path)![1]
      expect(results.map((r) => r.outputs['job-id'])).toContain(id)
    }
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(2)
  })
})

describe("after adopting its own job group, another run's appears", () => {
  it('the timeout cancels only its own, and the post step cancels nothing', async () => {
    const e = await emulator({
      scenario: LONG_JOB,
      faults: [LOST_ANSWER, { ...TRIGGER, action: { kind: 'foreign-job-group', delayMs: 2500 } }]
    })
    const result = await run(inputsFor(e, { timeout: '5s' }))

    expect(result.code).toBe(1)
    expect(result.outputs['job-id']).toBe('4100')
    const [own, foreign] = e.jobGroups()
    expect(foreign!.origin).toBe('foreign')
    expect(cancels(e).map((r) => r.path)).toEqual(['/v4/jobGroups/4100/cancel'])
    expect(own!.status).toBe('Canceled')
    expect(foreign!.status).toBe('InProgress')
    expect(result.state.settled).toBe('true')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })

    const post = await run(inputsFor(e), { post: true, state: result.state })
    expect(post.code).toBe(0)
    expect(cancels(e)).toHaveLength(1)
    expectPromisesKept(e, post, { ownJobGroups: 1, triggers: 1 })
  })
})
