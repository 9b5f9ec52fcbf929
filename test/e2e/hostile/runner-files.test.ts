// Promise: a started run is always supervised, whatever fails around it, the runner's own files included. With
// GITHUB_OUTPUT or GITHUB_STATE on a full disk (/dev/full) or naming a missing file, the step still waits for the
// run, cancels it on a timeout or a workflow cancel as the inputs say, writes the summary, and ends with an error
// naming the file and the cause. A rotated refresh token reaches the secret before any output file is touched.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { refreshInputs } from '../../support/aac-inputs.ts'
import { emulator, errors, inputsFor, run, start } from '../../support/e2e.ts'
import { aac, expectAacPromisesKept, github, onGitHub, REFRESH_TOKEN_SECRET } from './aac-setup.ts'
import { expectPromisesKept } from './promises.ts'

const FULL = '/dev/full'
const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
const MISSING = '/nonexistent/runner/file_commands/set_output_0000'
/** The summary's text with its character references undone (it escapes `_` and the like). */
const decoded = (summary: string): string =>
  summary.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

describe.skipIf(!existsSync(FULL))('a runner file that cannot be written', () => {
  it.each([
    ['GITHUB_OUTPUT on a full disk', { GITHUB_OUTPUT: FULL }, 'GITHUB_OUTPUT', /ENOSPC|no space left/i],
    ['GITHUB_STATE on a full disk', { GITHUB_STATE: FULL }, 'GITHUB_STATE', /ENOSPC|no space left/i],
    ['GITHUB_OUTPUT naming a missing file', { GITHUB_OUTPUT: MISSING }, 'GITHUB_OUTPUT', /Missing file/]
  ])(
    '%s: the job is waited for, the summary written, the error names the file',
    async (_n, env, file, cause) => {
      const e = await emulator({ scenario: { durationMs: 2500 } })
      const result = await run(inputsFor(e), { env })

      expect(result.code).toBe(1)
      expect(e.jobGroups()[0]!.status).toBe('Complete')
      expect(e.requestsTo('GET', /^\/v4\/jobGroups\/4100\/status$/).length).toBeGreaterThan(1)
      expect(result.summary).toContain('### Job 4100 ✅ completed')
      const said = errors(result).join('\n')
      expect(said).toContain(file)
      expect(said).toMatch(cause)
      expect(said).not.toMatch(/could not start/i)
      expect(decoded(result.summary), 'the summary names the file').toMatch(new RegExp(`Could not write .* to ${file}`))
      expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
    },
    60_000
  )

  it('GITHUB_STEP_SUMMARY on a full disk: the outputs are set, and the error names the summary file', async () => {
    const e = await emulator({ scenario: { durationMs: 1500 } })
    const result = await run(inputsFor(e), { env: { GITHUB_STEP_SUMMARY: FULL } })

    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Complete')
    expect(errors(result).join('\n')).toMatch(/GITHUB_STEP_SUMMARY.*(ENOSPC|no space left)/i)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  }, 60_000)

  it('GITHUB_OUTPUT on a full disk and a timeout: the job is cancelled as cancel-on-timeout says', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const result = await run(inputsFor(e, { timeout: '3s' }), { env: { GITHUB_OUTPUT: FULL } })

    expect(result.code).toBe(1)
    expect(e.requestsTo('POST', '/v4/jobGroups/4100/cancel')).toHaveLength(1)
    expect(e.jobGroups()[0]!.status).toBe('Canceled')
    expect(errors(result).join('\n')).toContain('did not finish within the timeout of 3s')
    expect(errors(result).join('\n')).toContain('GITHUB_OUTPUT')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  }, 60_000)

  it('GITHUB_STATE on a full disk and a workflow cancel: the main step cancels the job itself', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const action = start(inputsFor(e), { env: { GITHUB_STATE: FULL } })
    await action.waitForOutput(/Job 4100: InProgress/, 15_000)
    action.child.kill('SIGINT')
    const result = await action.result

    expect(result.code).toBe(1)
    expect(e.jobGroups()[0]!.status).toBe('Canceled')
    expect(result.summary).toContain('was cancelled')
    expect(errors(result).join('\n')).toContain('GITHUB_STATE')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  }, 60_000)

  it('GITHUB_OUTPUT on a full disk with AAC sign-in: the rotated refresh token still reaches the secret', async () => {
    const a = await aac({ emulator: { scenario: { durationMs: 1500 } } })
    const gh = await github()
    const inputs = refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken)
    const result = await run(inputs, onGitHub(gh, { env: { GITHUB_OUTPUT: FULL } }))

    expect(result.code).toBe(1)
    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expect(a.emulator.jobGroups()[0]!.status).toBe('Complete')
    expect(errors(result).join('\n')).toContain('GITHUB_OUTPUT')
    expect(errors(result).join('\n')).not.toContain('Refresh token not saved')
    expectAacPromisesKept(a, gh, result)
  }, 60_000)
})
