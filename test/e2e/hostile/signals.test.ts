// Promise: a workflow cancel is obeyed whatever the step is doing. It aborts every read in flight (a progress read
// of the stages too), and the cancel request goes out within 2 s of the signal. The handlers are installed before
// anything else: a cancel before any request says that nothing was sent, and the summary is written.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, start } from '../../support/e2e.ts'
import { everything, expectPromisesKept } from './promises.ts'

const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(20)
  }
}

const stageReads = (e: Emulator) => e.requestsTo('GET', /^\/v4\/jobGroups\/\d+\/jobs$/)

describe('a workflow cancel while a read hangs', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s during a progress read of the stages: the cancel request goes out within 2 s',
    async (signal) => {
      const e = await emulator({
        scenario: LONG_JOB,
        faults: [
          {
            method: 'GET',
            path: /^\/v4\/jobGroups\/\d+\/jobs$/,
            times: Infinity,
            action: { kind: 'delay', ms: 60_000 }
          }
        ]
      })
      const action = start(inputsFor(e))
      await until('a stages read under way', () => stageReads(e).length > 0)
      await sleep(200)
      const signalledAt = Date.now()
      action.child.kill(signal)
      const result = await action.result

      const cancels = e.requestsTo('POST', '/v4/jobGroups/4100/cancel')
      expect(cancels).toHaveLength(1)
      expect(cancels[0]!.at - signalledAt, 'ms from the signal to the cancel').toBeLessThan(2000)
      expect(e.jobGroups()[0]!.status).toBe('Canceled')
      expect(result.state.settled).toBe('true')
      expect(result.summary).toContain('was cancelled')
      expect(Date.now() - signalledAt, 'ms from the signal to the exit').toBeLessThan(7000)
      expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
    },
    60_000
  )
})

describe('a workflow cancel before any request', () => {
  it('as soon as the handlers are installed: nothing is sent, the summary says so', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const action = start(inputsFor(e))
    await action.waitForOutput(/::debug::Workflow-cancel handlers installed/, 15_000)
    action.child.kill('SIGINT')
    const result = await action.result

    expect(result.signal, 'the step was not killed by the signal').toBeNull()
    expect(result.code).toBe(1)
    expect(e.requests, 'requests sent').toEqual([])
    expect(everything(result)).toMatch(/nothing was sent/i)
    expect(everything(result)).not.toMatch(/may have started/)
    expect(result.summary).toMatch(/cancel/i)
    expect(errors(result).join('\n')).toMatch(/title=Workflow cancelled/)
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  }, 60_000)

  it('the handlers come before the inputs are read: the first line of the step', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const action = start(inputsFor(e, { timeout: '2s' }))
    const result = await action.result
    const first = result.stdout.split('\n').find((line) => line.trim() !== '')
    expect(first).toBe('::debug::Workflow-cancel handlers installed.')
  }, 60_000)
})
