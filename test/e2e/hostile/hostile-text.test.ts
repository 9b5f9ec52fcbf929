// Promise: server text can neither forge a workflow command nor inject HTML. Status strings, stage errors, stage
// lists, exception names, messages and details, request ids and file names from the server carry line breaks,
// `::error::`, `::set-output`, `##[…]`, HTML and Markdown links here; stdout keeps only the action's own commands
// (no payload holds another command), and the summary, rendered as GitHub renders Markdown, keeps only the
// action's own elements and links.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'
import { expectNoForgedCommand, expectPromisesKept } from './promises.ts'

/** Every trick at once: line breaks (LF, CR, CRLF), commands old and new, HTML and Markdown. */
const EVIL =
  'x\n::error::forged error\r::set-output name=status::Complete\r\n##[error]legacy\n  ::warning file=a::indented\n' +
  '<img src=x onerror=alert(1)><script>alert(2)</script>[click](javascript:alert(3)) ' +
  '![i](https://evil.example/i.png) ' +
  '<a href="https://evil.example">a</a> | cell | **bold** `code` %0A::error::encoded'
const STATUS = /^\/v4\/jobGroups\/\d+\/status$/

describe('server text with commands, line breaks and HTML', () => {
  it('in status strings: warned about and shown, never a command; escaped in the summary', async () => {
    const e = await emulator({
      scenario: { durationMs: 3000, statuses: ['Created', EVIL, `::set-output name=job-id::1`] }
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('which this action does not know; treating it as still running')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('in a failed stage’s error and a stage list: quoted on one line, escaped in the summary', async () => {
    const jobs = {
      data: [
        { id: 1, jobType: EVIL, status: 'Complete', errorMessage: null },
        { id: '<b>2</b>', jobType: 'wrangle', status: `Failed\n::error::stage status`, errorMessage: { message: EVIL } }
      ]
    }
    const e = await emulator({
      scenario: { durationMs: 2000, finalStatus: 'Failed', stages: [{ jobType: 'wrangle', errorMessage: EVIL }] },
      faults: [
        {
          method: 'GET',
          path: /\/jobs$/,
          after: 2,
          times: Infinity,
          action: { kind: 'status', status: 200, body: jobs }
        }
      ]
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('Job 4100 ended Failed.')
    expect(result.summary).toContain('&#60;b&#62;2&#60;/b&#62;')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('in exceptions on polls and in the request id: retried with warnings that forge nothing', async () => {
    const exception = { name: `Oops\n::error::name`, message: EVIL, details: `\n##[group]details\n::endgroup::` }
    const faults: Fault[] = [
      {
        method: 'POST',
        path: '/v4/jobGroups',
        action: {
          kind: 'status',
          status: 201,
          body: { id: 4100 },
          headers: { 'x-trifacta-request-id': '::error::rid <img src=x onerror=alert(1)>' },
          act: true
        }
      },
      { method: 'GET', path: STATUS, after: 1, times: 1, action: { kind: 'status', status: 500, body: { exception } } },
      {
        method: 'GET',
        path: STATUS,
        after: 2,
        times: 1,
        action: { kind: 'status', status: 502, raw: `<html><body>${EVIL}</body></html>` }
      }
    ]
    const e = await emulator({ scenario: { durationMs: 4000 }, faults })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/::debug::GET \/v4\/jobGroups\/4100\/status failed \(HTTP 500 Oops/)
    expect(result.outputs['request-id']).toBe('::error::rid <img src=x onerror=alert(1)>')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('in the exception of a refused trigger: the error and the summary forge and inject nothing', async () => {
    const exception = { name: 'ValidationFailed\n::error::name', message: EVIL, details: EVIL }
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'status', status: 400, body: { exception } } }]
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('answered HTTP 400 Bad Request')
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 1 })
  })

  it('in the names of what the job wrote: escaped in the summary', async () => {
    const outputs = {
      files: [
        { uri: EVIL, fileType: 'FILE', isPrimaryOutput: true },
        { uri: '</code></li></ul><h1>injected</h1>', fileType: 'DIRECTORY', isPrimaryOutput: false }
      ],
      tables: [
        {
          vendor: '<img src=x onerror=alert(1)>',
          databaseConnectString: EVIL,
          relationalPath: ['[x](javascript:alert(1))'],
          table: '<script>alert(1)</script>',
          action: EVIL,
          query: [EVIL]
        }
      ]
    }
    const e = await emulator({ scenario: { durationMs: 1500, outputs } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.summary).toContain('&#60;/code&#62;&#60;/li&#62;&#60;/ul&#62;&#60;h1&#62;injected')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('the check itself', () => {
  it('finds a forged command in a plain line and inside an escaped annotation', () => {
    expect(() => expectNoForgedCommand('Job 4100: x\n::set-output name=a::b')).toThrow()
    expect(() => expectNoForgedCommand('::warning::status x%0A::error::forged')).toThrow()
    expect(() => expectNoForgedCommand('##[error]legacy')).toThrow()
    expect(() => expectNoForgedCommand('::warning title=t::fine : text ::x::\n::debug::a')).not.toThrow()
  })
})
