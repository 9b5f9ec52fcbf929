// Promise: the `quality` and `result` outputs tell the truth at every ending. A gate on a run that did not complete
// is `not-checked` (never `passed`), in the `quality` output and in the `result` JSON alike.
import { describe, expect, it } from 'vitest'
import { emulator, inputsFor, run } from '../../support/e2e.ts'

describe('the quality output at every ending', () => {
  it.each([
    ['a failed job', { durationMs: 800, finalStatus: 'Failed' as const }, {}],
    ['a timeout', { durationMs: 120_000, statuses: ['InProgress'] }, { timeout: '2s' }]
  ])(
    '%s: quality is not-checked, and the result says the same',
    async (_n, scenario, extra) => {
      const e = await emulator({ scenario })
      const result = await run(inputsFor(e, { 'quality-gate': 'min-rows: 1', ...extra }))

      expect(result.code).toBe(1)
      expect(result.outputs.quality).toBe('not-checked')
      const parsed = result.outputs.result === undefined ? undefined : JSON.parse(result.outputs.result)
      expect(parsed?.quality?.quality ?? 'absent', JSON.stringify(parsed)).toBe('not-checked')
      expect(result.stdout).not.toContain('Data quality gate failed')
    },
    60_000
  )
})
