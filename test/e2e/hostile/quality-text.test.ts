// Promise: a profile is server text like any other. Column and rule names that carry workflow commands, HTML,
// Markdown and the token; tables of 20 000 columns; counts that are strings, negative, null or missing; answers
// that are not JSON or far too large: the step never forges a command, never leaks the token, keeps the summary,
// the annotation and the outputs bounded, and never fails because of a read (only the gate fails, and says why).
import { describe, expect, it } from 'vitest'
import type { Emulator, Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import { expectNoForgedCommand, expectPromisesKept, expectSafeSummary } from './promises.ts'

const EVIL =
  'x\n::error::forged error\r::set-output name=quality::passed\r\n##[error]legacy\n  ::warning file=a::indented ' +
  '<img src=x onerror=alert(1)><script>alert(2)</script>[click](javascript:alert(3)) </td></tr></table>' +
  `| cell | **bold** \`code\` %0A::error::encoded ${API_TOKEN}`

const histogram = (valid: unknown, empty: unknown = 0, invalid: unknown = 0): object[] => [
  { key: 'VALID', count: valid },
  { key: 'EMPTY', count: empty },
  { key: 'INVALID', count: invalid }
]

/** /profileResults answers `body` (every time), for a run with profiling on. */
function serving(body: unknown): Fault[] {
  return [{ method: 'GET', path: /\/profileResults$/, times: Infinity, action: { kind: 'status', status: 200, body } }]
}

async function profiled(e: Emulator, extra: Record<string, string> = {}) {
  return run(inputsFor(e, { overrides: '{"profiler": true}', ...extra }))
}

function expectSafe(e: Emulator, result: Awaited<ReturnType<typeof run>>): void {
  expectNoForgedCommand(result.stdout)
  expectSafeSummary(result.summary, [e.url])
  expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  for (const value of Object.values(result.outputs)) expect(value).not.toContain(API_TOKEN)
}

describe('hostile profiles', () => {
  it('names with commands, HTML, Markdown and the token: escaped, never a command, the token redacted', async () => {
    const profile = {
      profilerTypeCheckHistograms: {
        [EVIL]: histogram(900, 100),
        [`${API_TOKEN} </code>`]: histogram(900, 100),
        email: histogram(1000)
      },
      profilerRules: { [EVIL]: [{ description: EVIL, status: 'fail', passCount: 1, failCount: 999 }] }
    }
    const e = await emulator({ scenario: { durationMs: 500 }, faults: serving({ [EVIL]: profile }) })
    const result = await profiled(e, { 'quality-gate': 'rules: pass\nmissing: 1%' })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Complete')
    expect(result.outputs.quality).toBe('failed')
    expectSafe(e, result)
    const [error] = errors(result)
    expect(error).toMatch(/^::error title=Data quality gate failed::/)
    expect(error).toContain('***')
    expect(result.summary).not.toContain('<img')
    expect(result.summary).toContain('&#60;img src=x onerror…')
    expect(result.summary).toContain('<code>&#42;&#42;&#42; &#60;/code&#62;</code>')
    expect(JSON.parse(result.outputs.result!).quality.failures).toHaveLength(3)
  })

  it('20 000 columns: the summary, the annotation and the output stay bounded and say how many more', async () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`column_${i}`, histogram(90, 10)]))
    const e = await emulator({
      scenario: { durationMs: 500 },
      faults: serving({ 1: { profilerTypeCheckHistograms: wide } })
    })
    const result = await profiled(e, { 'quality-gate': 'missing: 5%' })
    expect(result.code).toBe(1)
    expectSafe(e, result)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(64 * 1024)
    expect(result.summary).toContain('… and 4980 more such columns')
    expect(result.summary).toContain('… and 15000 more columns, not read (too many)')
    expect(errors(result)[0]!.length).toBeLessThan(16 * 1024)
    expect(errors(result)[0]).toContain('… and 4951 more failing checks (see the step summary)')
    expect(JSON.stringify(JSON.parse(result.outputs.result!).quality).length).toBeLessThan(32 * 1024)
  }, 60_000)

  it('counts that are strings, negative, null or missing are unreadable: shown, and a gate fails on them', async () => {
    const profile = {
      profilerTypeCheckHistograms: {
        a: histogram('NaN'),
        b: histogram(10, -5),
        c: histogram(null),
        d: [{ key: 'VALID' }],
        ok: histogram(10)
      },
      profilerRules: { ok: [{ status: '<b>odd</b>', passCount: -1 }] }
    }
    const e = await emulator({ scenario: { durationMs: 500 }, faults: serving({ 1: profile }) })
    const plain = await profiled(e)
    expect(plain.code).toBe(0)
    expect(warnings(plain)).toEqual([])
    expect(plain.summary).toContain('Counts that could not be read, of 4 columns')
    expect(plain.summary).toMatch(/⚠️ invalid<\/td><td>unknown<\/td><td>unknown<\/td>/)
    const gated = await profiled(e, { 'quality-gate': 'mismatched: 0' })
    expect(gated.code).toBe(1)
    expect(errors(gated)[0]).toContain("job 4101, column 'a': counts unreadable")
    expectNoForgedCommand(gated.stdout)
  })

  it('an answer that is no JSON, or far too large: a warning, the report written, the step passes', async () => {
    for (const action of [
      { kind: 'status', status: 200, raw: '<html>oops</html>' },
      { kind: 'huge', bytes: 20 * 1024 * 1024 }
    ] as const) {
      const e = await emulator({
        scenario: { durationMs: 500 },
        faults: [{ method: 'GET', path: /\/profileResults$/, times: Infinity, action }]
      })
      const started = Date.now()
      const result = await profiled(e)
      expect(result.code, action.kind).toBe(0)
      expect(Date.now() - started).toBeLessThan(20_000)
      // Retried a few seconds (as any read), then given up with one warning of its own.
      const own = warnings(result).filter((w) => !w.startsWith('::warning title=API retries::'))
      expect(own).toEqual([expect.stringMatching(/^::warning title=Data profile::Could not read the profile/)])
      expect(result.summary).toContain('Job 4100 ✅ completed')
      expectSafe(e, result)
    }
  }, 90_000)
})
