// Promise: a job group is adopted from the history only when the history proves it is the only candidate. Servers
// cap pages (here at one row), may ignore `sort`, or answer pages in an odd order: the built action pages until the
// rows are older than the window, checks the order, and where it cannot prove there is no other candidate it says
// the job may have started, and sends nothing more.
import { describe, expect, it } from 'vitest'
import type { Emulator, Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'
import type { ActionResult } from '../../support/run-action.ts'
import { expectPromisesKept } from './promises.ts'

const TRIGGER = { method: 'POST', path: '/v4/jobGroups' } as const
const LOST_ANSWER: Fault = { ...TRIGGER, action: { kind: 'act-then-reset' } }
const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
/** The offsets of the start's lookups (the wait's own look at past runs has no date filter). */
const pages = (e: Emulator): string[] =>
  e
    .requestsTo('GET', '/v4/jobLibrary')
    .filter((r) => r.query['dateFilter[createdAt][gte]'] !== undefined)
    .map((r) => r.query.offset ?? '')

/** The step failed saying the job may have started, because nothing could be proven; nothing adopted. */
function expectUnproven(result: ActionResult, why: RegExp): void {
  expect(result.code).toBe(1)
  const error = errors(result).join('\n')
  expect(error).toMatch(/^::error title=The job may have started::The job may have started: /)
  expect(error).toContain('cannot prove that no')
  expect(error).toMatch(why)
  expect(error).toContain('the trigger is not sent again')
  expect(result.outputs['job-id'] ?? '').toBe('')
}

describe('a history of one row per page', () => {
  it('pages on past its own job group, and finds the other run’s a page later: adopts nothing', async () => {
    const foreign: Fault = {
      ...TRIGGER,
      action: { kind: 'foreign-job-group', when: 'before', createdAtOffsetMs: -200 }
    }
    const e = await emulator({ scenario: LONG_JOB, history: { maxPageSize: 1 }, faults: [foreign, LOST_ANSWER] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('shows 2 job groups of recipe 7 created since then')
    expect(pages(e).slice(0, 3)).toEqual(['0', '1', '2'])
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('pages until the history ends, then adopts its own', async () => {
    const e = await emulator({ history: { maxPageSize: 1 }, faults: [LOST_ANSWER] })
    e.createJobGroup(42, LONG_JOB, { createdAt: Date.now() + 60_000 })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(pages(e)).toEqual(['0', '1', '2'])
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('more rows in the window than ten pages hold: cannot prove, adopts nothing', async () => {
    const e = await emulator({ scenario: LONG_JOB, history: { maxPageSize: 1 }, faults: [LOST_ANSWER] })
    for (let i = 0; i < 12; i++) e.createJobGroup(42, LONG_JOB, { createdAt: Date.now() + 60_000 + i })
    const result = await run(inputsFor(e))

    expectUnproven(result, /10 pages \(10 job groups\) did not reach one older than the first send/)
    expect(pages(e)).toHaveLength(10)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('a history out of order', () => {
  it('a server that ignores sort (oldest first): cannot prove, adopts nothing', async () => {
    const e = await emulator({ scenario: LONG_JOB, history: { sort: 'ignored' }, faults: [LOST_ANSWER] })
    e.createJobGroup(42, LONG_JOB, { createdAt: Date.now() - 1000 })
    const result = await run(inputsFor(e))

    expectUnproven(result, /did not list the job groups newest first/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a second page newer than the first: cannot prove, adopts nothing', async () => {
    const e = await emulator({ scenario: LONG_JOB, faults: [LOST_ANSWER] })
    const later = new Date(Date.now() + 3_600_000).toISOString()
    const odd = {
      data: [{ id: 9001, createdAt: later, updatedAt: later, status: 'Complete', wrangledDataset: { id: 42 } }]
    }
    // The first page is the emulator's own; the second one names a row newer than all of it.
    e.addFault({ method: 'GET', path: '/v4/jobLibrary', after: 1, action: { kind: 'status', status: 200, body: odd } })
    const result = await run(inputsFor(e))

    expectUnproven(result, /did not list the job groups newest first/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a row without a date: cannot prove, adopts nothing', async () => {
    const e = await emulator({ scenario: LONG_JOB, faults: [LOST_ANSWER] })
    const dateless = { data: [{ id: 9002, status: 'Complete', wrangledDataset: { id: 7 } }] }
    e.addFault({ method: 'GET', path: '/v4/jobLibrary', action: { kind: 'status', status: 200, body: dateless } })
    const result = await run(inputsFor(e))

    expectUnproven(result, /job group 9002 has no readable createdAt/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a row without a valid id: cannot prove, adopts nothing', async () => {
    const e = await emulator({ scenario: LONG_JOB, faults: [LOST_ANSWER] })
    const now = new Date().toISOString()
    const junk = { data: [{ id: 'x', createdAt: now, status: 'Complete', wrangledDataset: { id: 7 } }] }
    e.addFault({ method: 'GET', path: '/v4/jobLibrary', action: { kind: 'status', status: 200, body: junk } })
    const result = await run(inputsFor(e))

    expectUnproven(result, /1 job group without a valid id/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})
