// The emulator's answer to every call the action makes validates against the JSON Schema written from the
// references (schemas.ts); the schemas refuse the shapes the references say are wrong.
import { describe, expect, it } from 'vitest'
import { call, startEmulator } from '../support/emulator-client.ts'
import { gatherAnswers } from './answers.ts'
import { SCHEMAS, violations, type Call } from './schemas.ts'

describe('the emulator speaks the real shapes', () => {
  it('answers every call the action makes as its schema says', async () => {
    const { byCall } = await gatherAnswers()
    const calls = Object.keys(SCHEMAS).filter((c) => c !== 'error') as Call[]
    expect(calls.filter((c) => !byCall.has(c))).toEqual([])
    for (const [name, answers] of byCall) for (const answer of answers) expect(violations(name, answer)).toEqual([])
  })

  it('answers errors in the documented exception body', async () => {
    const emulator = await startEmulator()
    for (const path of ['/v4/jobGroups/999999', '/v4/jobGroups/abc/jobs', '/v4/plans/77/full']) {
      const answer = await call(emulator, 'GET', path)
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(violations('error', answer.json)).toEqual([])
    }
  })

  it('refuses shapes the references call wrong: bare plan lists, guessed output fields, InProgress flow runs', () => {
    const node = { id: 501, name: 'Load', planTaskSnapshotRuns: [] }
    expect(violations('GET /v4/plans/{id}/full', { id: 5, planNodes: [node] })).not.toEqual([])
    expect(violations('GET /v4/jobGroups/{id}/outputs', { files: [{ path: '/x.csv' }], tables: [] })).not.toEqual([])
    expect(violations('GET /v4/flowRuns/{id}/status', 'InProgress')).not.toEqual([])
    expect(
      violations('GET /v4/jobGroups/{id}/jobs', {
        data: [{ id: 1, status: 'Failed', jobType: 'wrangle', jobGroup: { id: 2 }, errorMessage: 'text' }]
      })
    ).not.toEqual([])
  })
})
