// A logs answer that drips or hangs must not keep the step: a workflow cancel during the download ends it promptly
// with a result that parses, and a timeout-minutes bound is kept.
import { describe, expect, it } from 'vitest'
import type { JobScenario } from '../../emulator/index.ts'
import { emulator, inputsFor, start } from '../../support/e2e.ts'

const FAILED: JobScenario = {
  durationMs: 900,
  finalStatus: 'Failed',
  stages: [{ jobType: 'wrangle', errorMessage: 'Boom', log: ['ERROR boom'] }],
  logArchive: { extraLines: 20_000 }
}
const LOGS = /^\/v4\/jobGroups\/\d+\/logs$/

describe('a logs download that drips', () => {
  it('SIGINT mid-download: the step ends within a few seconds, the result parses and says failed', async () => {
    const e = await emulator({
      scenario: FAILED,
      faults: [{ method: 'GET', path: LOGS, action: { kind: 'drip', chunkBytes: 16, everyMs: 100 } }]
    })
    const action = start(inputsFor(e, { logs: 'always' }))
    await action.waitForOutput(/Failed/, 15_000)
    await new Promise((r) => setTimeout(r, 1500))
    const sent = Date.now()
    expect(e.requestsTo('GET', LOGS).length).toBeGreaterThan(0)
    action.child.kill('SIGINT')
    const result = await action.result
    expect(Date.now() - sent).toBeLessThan(5000)
    expect(result.code).toBe(1)
    const parsed = JSON.parse(result.outputs.result!)
    expect(parsed.status).toBe('Failed')
  })
})
