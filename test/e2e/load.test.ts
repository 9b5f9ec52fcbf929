// Load: many concurrent action processes against a trigger quota all complete, each with exactly one job group.
import { describe, expect, it } from 'vitest'
import { emulator, inputsFor, run } from '../support/e2e.ts'

const PROCESSES = 12

describe('load', () => {
  it(`${PROCESSES} concurrent runs, a quota of 4 triggers per 3 s: all complete, one job group each`, async () => {
    const e = await emulator({ triggerQuota: { limit: 4, windowMs: 3000 }, scenario: { durationMs: 1000 } })
    const started = Date.now()
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, () => run(inputsFor(e, { timeout: '2m' }), { timeoutMs: 90_000 }))
    )
    const seconds = ((Date.now() - started) / 1000).toFixed(1)

    for (const result of results) {
      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('Complete')
    }
    const ids = results.map((r) => r.outputs['job-id'])
    expect(new Set(ids).size).toBe(PROCESSES)
    expect(e.jobGroups()).toHaveLength(PROCESSES)
    const perExecution = new Map<string, number>()
    for (const group of e.jobGroups())
      perExecution.set(group.executionId!, (perExecution.get(group.executionId!) ?? 0) + 1)
    expect([...perExecution.values()].every((n) => n === 1)).toBe(true)
    expect(e.rateLimited).toBeGreaterThan(0)
    console.log(
      `load: ${PROCESSES} runs, ${e.jobGroups().length} job groups, ${e.rateLimited} 429s absorbed, ${seconds}s`
    )
  }, 120_000)
})
