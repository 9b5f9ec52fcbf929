// Promise: whatever the server sends, the action's use of time, memory and space stays bounded. No retry or poll
// comes sooner than 1 s after the previous one (`x-retry-after: 0` included); durations beyond what timers hold are
// input errors; an answer above 8 MiB is refused with an error naming the call (the process does not crash);
// a huge stage list or output list keeps the summary far under GitHub's 1 MiB and the outputs small; overrides
// nested 10,000 levels deep are an input error, and many unknown override keys one short warning.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { expectPromisesKept } from './promises.ts'

const STATUS = '/v4/jobGroups/4100/status'
const MIB = 1024 * 1024

/** The gaps between consecutive request times. */
const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!)

describe('pacing: at least 1 s between attempts, whatever the server says', () => {
  it('x-retry-after: 0 on every poll for 4 s: about one request a second, then the job completes', async () => {
    const zero: Fault = {
      method: 'GET',
      path: STATUS,
      after: 1,
      forMs: 4000,
      action: { kind: 'rate-limit', retryAfterSeconds: 0 }
    }
    const e = await emulator({ scenario: { durationMs: 5000 }, faults: [zero] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    const limited = e.requestsTo('GET', STATUS).filter((r) => r.status === 429)
    expect(limited.length).toBeGreaterThanOrEqual(2)
    expect(limited.length).toBeLessThanOrEqual(5)
    const times = e.requestsTo('GET', STATUS).map((r) => r.at)
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(950)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('x-retry-after: 0 on the trigger three times: each send a second after the last, one job group', async () => {
    const zero: Fault = {
      method: 'POST',
      path: '/v4/jobGroups',
      times: 3,
      action: { kind: 'rate-limit', retryAfterSeconds: 0 }
    }
    const e = await emulator({ faults: [zero] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    const triggers = e.requestsTo('POST', '/v4/jobGroups')
    expect(triggers.map((r) => r.status)).toEqual([429, 429, 429, 201])
    for (const gap of gaps(triggers.map((r) => r.at))) expect(gap).toBeGreaterThanOrEqual(950)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 4 })
  })
})

describe('durations beyond what timers hold', () => {
  it.each([
    ['timeout', '8d'],
    ['timeout', '30d'],
    ['timeout', '2147483648ms'],
    ['poll-interval', '8d'],
    ['max-poll-interval', '25d'],
    ['request-timeout', '604801s']
  ])('%s: %s is an input error naming the input; nothing is sent', async (input, value) => {
    const e = await emulator()
    const extra: Record<string, string> = input === 'poll-interval' ? { 'max-poll-interval': '7d' } : {}
    const result = await run(inputsFor(e, { [input]: value, ...extra }))

    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    const error = errors(result).join('\n')
    expect(error).toContain(
      `::error title=Invalid input%3A ${input}::Input '${input}': must be at most 7d (got '${value}')`
    )
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  })
})

describe('answers larger than 8 MiB', () => {
  it.each<[string, Fault['action']]>([
    ['700 MB of JSON with a content-length', { kind: 'huge', bytes: 700 * MIB }],
    ['700 MB of junk, chunked', { kind: 'huge', bytes: 700 * MIB, content: 'junk', declareLength: false }]
  ])('%s on three polls: refused unread, the call named, the job followed to the end', async (_name, action) => {
    const e = await emulator({ faults: [{ method: 'GET', path: STATUS, after: 1, times: 3, action }] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(warnings(result).join('\n')).toContain(
      `GET ${STATUS} failed (the answer to GET ${STATUS} (HTTP 200) is larger than 8 MiB; it was not read)`
    )
    expect(result.stderr).toBe('')
    expect(result.durationMs).toBeLessThan(15_000)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a 201 of 700 MB to the trigger: the server acted, so its job group is adopted, not sent again', async () => {
    const e = await emulator({
      faults: [
        { method: 'POST', path: '/v4/jobGroups', action: { kind: 'huge', status: 201, bytes: 700 * MIB, act: true } }
      ]
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs['job-id']).toBe('4100')
    expect(warnings(result).join('\n')).toMatch(
      /the answer to POST \/v4\/jobGroups \(HTTP 201\) is larger than 8 MiB.*was found in the job history/
    )
    expect(result.stderr).toBe('')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a 400 of 700 MB to the trigger: a clear error naming the call, nothing sent again, no crash', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'huge', status: 400, bytes: 700 * MIB } }]
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain(
      '::error title=Could not start the job::the answer to POST /v4/jobGroups (HTTP 400) is larger than 8 MiB; ' +
        'it was not read'
    )
    expect(result.stdout).not.toMatch(/may have started/)
    expect(result.stderr).toBe('')
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 1 })
  })
})

describe('huge lists', () => {
  it('3000 long stages: 200 shown with a note, the summary far under 1 MiB, the jobs output small', async () => {
    const stages = Array.from({ length: 3000 }, (_, i) => ({ jobType: `<b>stage-${i}</b>`.padEnd(200, '<') }))
    const e = await emulator({ scenario: { durationMs: 1500, stages } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.summary).toContain('… and 2800 more stages, not shown.')
    expect(Buffer.byteLength(result.summary)).toBeLessThan(512 * 1024)
    const jobs = JSON.parse(result.outputs.jobs!) as unknown[]
    expect(jobs).toHaveLength(200)
    expect(result.outputs.jobs!.length).toBeLessThan(64 * 1024)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('5000 files written: the written output and the summary stay bounded', async () => {
    const files = Array.from({ length: 5000 }, (_, i) => ({
      uri: `s3://b/out/${'d'.repeat(100)}/file-${i}.csv`,
      fileType: 'FILE',
      isPrimaryOutput: i === 0
    }))
    const e = await emulator({ scenario: { durationMs: 1500, outputs: { files, tables: [] } } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    const written = JSON.parse(result.outputs.written!) as { files: unknown[] }
    expect(written.files).toHaveLength(500)
    expect(result.summary).toContain('… and 4950 more (see the <code>written</code> output)')
    expect(Buffer.byteLength(result.summary)).toBeLessThan(512 * 1024)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('overrides', () => {
  it.each([
    ['JSON', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ['YAML flow style', `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`]
  ])('nested 10,000 levels deep (%s): an input error naming overrides, nothing sent', async (_name, overrides) => {
    const e = await emulator()
    const result = await run(inputsFor(e, { overrides }))

    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    expect(errors(result).join('\n')).toMatch(
      /::error title=Invalid input%3A overrides::Input 'overrides': is nested (deeper than 64 levels|too deeply)/
    )
    expect(result.stdout).not.toMatch(/Maximum call stack/)
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  })

  it('40 unknown keys: one warning naming 10 of them, and the run goes on', async () => {
    const overrides = JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`custom${i}`, i])))
    const e = await emulator()
    const result = await run(inputsFor(e, { overrides }))

    expect(result.code).toBe(0)
    const unknown = warnings(result).filter((w) => w.includes('unknown keys'))
    expect(unknown).toHaveLength(1)
    expect(unknown[0]).toContain('overrides: 40 unknown keys')
    expect(unknown[0]).toContain('and 30 more passed on as given')
    expect(unknown[0]!.match(/'custom\d+'/g)).toHaveLength(10)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})
