// A step summary file that cannot be written (a directory, a missing folder) fails the step, saying so (a later
// step misses what it held), but the run's outputs and its result, which parses and keeps the job's ending, are
// still written.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'

describe('a step summary that cannot be written', () => {
  it.each([
    ['a directory', () => mkdtempSync(join(tmpdir(), 'summary-dir-'))],
    ['a missing folder', () => join(tmpdir(), 'no-such-folder-x9', 'summary.md')]
  ])('%s: the step fails naming GITHUB_STEP_SUMMARY; the result parses and says complete', async (_, path) => {
    const e = await emulator({ scenario: { durationMs: 600 } })
    const result = await run(inputsFor(e), { env: { GITHUB_STEP_SUMMARY: path() } })
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('Could not write the step summary to GITHUB_STEP_SUMMARY')
    expect(result.outputs.status).toBe('Complete')
    expect(JSON.parse(result.outputs.result!).ending).toBe('complete')
  })

  it('a failed run with an unwritable summary still fails and its result parses', async () => {
    const e = await emulator({ scenario: { durationMs: 600, finalStatus: 'Failed' } })
    const result = await run(inputsFor(e), { env: { GITHUB_STEP_SUMMARY: mkdtempSync(join(tmpdir(), 'sd-')) } })
    expect(result.code).toBe(1)
    expect(JSON.parse(result.outputs.result!).ending).toBe('failed')
  })
})
