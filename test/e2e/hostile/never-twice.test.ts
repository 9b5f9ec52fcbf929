// Promise: the action never starts a job twice. A 2xx to the trigger means the server acted, whatever its body:
// an HTML page, a compressed or cut-short body, or an id that cannot be one is settled from the job history (the
// one job group of the recipe created since the send is adopted), never reported as "could not start" and never
// sent again. When the history cannot settle it, the step says the job may have started, and sends nothing more.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { everything, expectPromisesKept } from './promises.ts'

const TRIGGER = { method: 'POST', path: '/v4/jobGroups' } as const
const EMPTY_HISTORY = { kind: 'status', status: 200, body: { data: [], count: 0 } } as const

describe('a 2xx to the trigger whose body cannot be read: the job group is adopted, the trigger not sent again', () => {
  it.each<[string, Fault['action']]>([
    ['an HTML page', { kind: 'status', status: 201, raw: '<html><body>Created</body></html>', act: true }],
    ['a gzip body the client does not decode', { kind: 'compress', encoding: 'gzip' }],
    ['a brotli body', { kind: 'compress', encoding: 'br' }],
    ['a body cut short by a closed connection', { kind: 'drip', chunkBytes: 8, everyMs: 20, cutAfterBytes: 12 }],
    [
      'a content-length that promises more than comes',
      {
        kind: 'status',
        status: 201,
        raw: '{"id": 41',
        contentType: 'application/json',
        headers: { 'content-length': '200' },
        act: true
      }
    ],
    ['an empty body', { kind: 'status', status: 201, raw: '', contentType: 'application/json', act: true }],
    ['an id of -1', { kind: 'status', status: 201, body: { id: -1 }, act: true }],
    ['an id given as a string', { kind: 'status', status: 201, body: { id: '4100' }, act: true }],
    [
      'an id beyond 2^53',
      { kind: 'status', status: 201, raw: '{"id": 9007199254740993}', contentType: 'application/json', act: true }
    ],
    ['a 200 without any id', { kind: 'status', status: 200, body: { reason: 'JobStarted' }, act: true }]
  ])('%s', async (_name, action) => {
    const e = await emulator({ faults: [{ ...TRIGGER, action }] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs['job-id']).toBe('4100')
    expect(result.outputs.status).toBe('Complete')
    expect(result.state.runId).toBe('4100')
    expect(warnings(result).join('\n')).toMatch(
      /job group 4100 of recipe 7, created at .*, was found in the job history/
    )
    expect(result.summary).toContain('found in the job history after the trigger answer was lost')
    expect(everything(result)).not.toMatch(/could not (start|be run)/i)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('a 2xx that the job history cannot settle: "may have started", nothing sent again', () => {
  it('the history shows no job group of the recipe', async () => {
    const e = await emulator({
      faults: [
        { ...TRIGGER, action: { kind: 'status', status: 201, raw: '<html>Created</html>', act: true } },
        { method: 'GET', path: /^\/v4\/(jobLibrary|jobGroups)$/, times: Infinity, action: EMPTY_HISTORY }
      ]
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    const error = errors(result).join('\n')
    expect(error).toContain('The job may have started')
    expect(error).toContain('the trigger is not sent again')
    expect(error).toContain(`${e.url}/jobs`)
    expect(everything(result)).not.toMatch(/could not (start|be run)|nothing was (sent|started)/i)
    expect(result.outputs['job-id'] ?? '').toBe('')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('the history cannot be read at all', async () => {
    const e = await emulator({
      listing: 'none',
      faults: [{ ...TRIGGER, action: { kind: 'compress', encoding: 'gzip' } }]
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/The job may have started: .*the job history could not be read/)
    expect(everything(result)).not.toMatch(/could not (start|be run)|nothing was (sent|started)/i)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})
