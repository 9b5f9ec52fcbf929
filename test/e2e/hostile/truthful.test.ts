// Promise: the action reports the truth. A terminal status, once seen, is final: a lagging read of the job group
// cannot turn Complete or Failed back into Created. The wait is not ended by one answer it cannot read (HTML,
// an empty body, a status that is not a string, a 404 right after creation), and answers it never can read end
// the wait clearly, naming the answer, before the timeout: the job is then cancelled as the timeout policy says,
// or left unsettled for the post step when that cancel fails.
import { describe, expect, it } from 'vitest'
import type { Emulator, Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'
import { everything, expectPromisesKept, timeLapse } from './promises.ts'

const STATUS = /^\/v4\/jobGroups\/\d+\/status$/
const RECORD = /^\/v4\/jobGroups\/\d+$/
const LONG_JOB = { durationMs: 600_000, statuses: ['InProgress'] }
const HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>'
const cancels = (e: Emulator) => e.requestsTo('POST', /^\/v4\/jobGroups\/\d+\/cancel$/)

describe('a terminal status is final', () => {
  it.each([
    ['Complete', 0, '✅ completed'],
    ['Failed', 1, '❌ failed']
  ] as const)(
    '%s, then GET /v4/jobGroups/{id} lagging at Created: outputs and summary say %s',
    async (final, code, headline) => {
      const e = await emulator({
        scenario: { durationMs: 1500, finalStatus: final },
        faults: [{ method: 'GET', path: RECORD, times: Infinity, action: { kind: 'stale', status: 'Created' } }]
      })
      const result = await run(inputsFor(e))

      expect(result.code).toBe(code)
      expect(result.outputs.status).toBe(final)
      expect(result.summary).toContain(`### Job 4100 ${headline}`)
      expect(result.summary).toContain(`<b>${final}</b>`)
      expect(everything(result)).not.toMatch(/ended Created|<b>Created<\/b>/)
      if (final === 'Failed') expect(errors(result).join('\n')).toContain('Job 4100 ended Failed.')
      expect(e.requestsTo('GET', RECORD).length).toBeGreaterThan(0)
      expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
    }
  )
})

describe('one answer the wait cannot read does not end it', () => {
  it.each<[string, Fault]>([
    [
      'a non-JSON 200 on /status',
      { method: 'GET', path: STATUS, after: 1, action: { kind: 'status', status: 200, raw: HTML } }
    ],
    [
      'an empty 200 on /status',
      {
        method: 'GET',
        path: STATUS,
        after: 1,
        action: { kind: 'status', status: 200, raw: '', contentType: 'application/json' }
      }
    ],
    [
      'a /status cut short',
      { method: 'GET', path: STATUS, after: 1, action: { kind: 'drip', chunkBytes: 2, everyMs: 20, cutAfterBytes: 3 } }
    ],
    [
      'a number as the status, always',
      { method: 'GET', path: STATUS, times: Infinity, action: { kind: 'status', status: 200, body: 42 } }
    ],
    [
      'an object as the status, always',
      {
        method: 'GET',
        path: STATUS,
        times: Infinity,
        action: { kind: 'status', status: 200, body: { status: 'Complete' } }
      }
    ],
    [
      'null as the status, always',
      { method: 'GET', path: STATUS, times: Infinity, action: { kind: 'status', status: 200, body: null } }
    ],
    [
      'a 404 for 3 s after creation',
      {
        method: 'GET',
        path: /^\/v4\/jobGroups\/\d+/,
        times: Infinity,
        action: { kind: 'not-found-while-new', ms: 3000 }
      }
    ]
  ])('%s: the job is followed to Complete', async (_name, fault) => {
    const e = await emulator({ scenario: { durationMs: 2500 }, faults: [fault] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(result.state.settled).toBe('true')
    expect(errors(result)).toEqual([])
    expect(result.stdout).not.toMatch(/does not know; treating it as still running/)
    expect(cancels(e)).toHaveLength(0)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('answers the wait never can read', () => {
  const unreadable: [string, Fault[], RegExp][] = [
    [
      // /status alone would not do: an answer it cannot parse is read from the job group record instead.
      'HTML on every /status and every GET /v4/jobGroups/{id}',
      [
        { method: 'GET', path: STATUS, after: 1, times: Infinity, action: { kind: 'status', status: 200, raw: HTML } },
        { method: 'GET', path: RECORD, times: Infinity, action: { kind: 'status', status: 200, raw: HTML } }
      ],
      /GET \/v4\/jobGroups\/4100 answered HTTP 200 with a non-JSON answer: "502 Bad Gateway"/
    ],
    [
      'a status that is no string in /status and in the job group',
      [
        { method: 'GET', path: STATUS, after: 1, times: Infinity, action: { kind: 'status', status: 200, body: 42 } },
        {
          method: 'GET',
          path: RECORD,
          times: Infinity,
          action: { kind: 'status', status: 200, body: { id: 4100, status: { s: 1 } } }
        }
      ],
      /neither GET \/v4\/jobGroups\/4100\/status nor GET \/v4\/jobGroups\/4100 gave a status \(got \{"s":1\}\)/
    ]
  ]

  it.each(unreadable)(
    '%s: fails after the 5-minute persistence window, long before the 6 h timeout, naming the answer',
    async (_name, faults, named) => {
      const e = await emulator({ scenario: LONG_JOB, faults })
      // 100 times faster: the action's 5 minutes pass in 3 s.
      const result = await run(inputsFor(e, { timeout: '6h' }), timeLapse(100))

      expect(result.code).toBe(1)
      const error = errors(result).join('\n')
      expect(error).toMatch(/Waiting for job 4100 failed \(last status InProgress\): /)
      expect(error).toMatch(named)
      expect(error).not.toContain('did not finish within the timeout')
      expect(result.durationMs).toBeLessThan(20_000)
      // cancel-on-timeout (true by default) decides the job's fate: cancelled, and only then settled.
      expect(cancels(e).map((r) => r.path)).toEqual(['/v4/jobGroups/4100/cancel'])
      expect(e.jobGroups()[0]!.status).toBe('Canceled')
      expect(result.state.settled).toBe('true')
      expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
    }
  )

  it('when that cancel fails too, the job is not marked settled, and the post step cancels it', async () => {
    const [, faults] = unreadable[0]!
    const cancelFails: Fault = {
      method: 'POST',
      path: /\/cancel$/,
      forMs: 1000,
      action: { kind: 'status', status: 503 }
    }
    const e = await emulator({ scenario: LONG_JOB, faults: [...faults, cancelFails] })
    const result = await run(inputsFor(e), timeLapse(100))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/Cancelling job 4100 failed: .*The job may keep running/)
    expect(result.state.runId).toBe('4100')
    expect(result.state.settled).toBeUndefined()
    expect(e.jobGroups()[0]!.status).toBe('InProgress')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })

    const firstCancel = cancels(e)[0]!.at
    await new Promise((r) => setTimeout(r, Math.max(0, firstCancel + 1100 - Date.now())))
    const post = await run(inputsFor(e), { post: true, state: result.state })
    expect(post.code).toBe(0)
    expect(e.jobGroups()[0]!.status).toBe('Canceled')
    expect(post.stdout).toContain('Job 4100 was cancelled by the post step')
    expectPromisesKept(e, post, { ownJobGroups: 1, triggers: 1 })
  })

  it('with a short timeout, the wait ends at the timeout with the unread answer named, not later', async () => {
    const [, faults] = unreadable[1]!
    const e = await emulator({ scenario: LONG_JOB, faults })
    const result = await run(inputsFor(e, { timeout: '3s' }))

    expect(result.code).toBe(1)
    expect(result.durationMs).toBeLessThan(10_000)
    expect(errors(result).join('\n')).toContain('did not finish within the timeout of 3s')
    expect(result.summary).toContain('gave a status')
    expect(cancels(e)).toHaveLength(1)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})
