// The leak check of the end-to-end tests looks for the very tokens the runs are given: the github-token a run gets
// by default is the fixture's GITHUB_TOKEN, and any fake secret outside an add-mask command fails the check.
import { describe, expect, it } from 'vitest'
import { expectNoSecretLeak } from '../support/e2e.ts'
import { EMULATOR_TOKEN, FAKE_SECRETS, GITHUB_TOKEN } from '../support/fake-tokens.ts'
import { actionDefaults, type ActionResult } from '../support/run-action.ts'

function result(stdout: string, summary = ''): ActionResult {
  return {
    code: 0,
    signal: null,
    stdout,
    stderr: '',
    outputs: {},
    summary,
    state: {},
    files: { output: '', state: '' },
    durationMs: 0
  }
}

describe('the fake tokens', () => {
  it("a run's default github-token is GITHUB_TOKEN, which the leak check looks for", () => {
    expect(actionDefaults()['github-token']).toBe(GITHUB_TOKEN)
    expect(FAKE_SECRETS).toContain(GITHUB_TOKEN)
  })

  it('are all different, and the documented emulator token is not counted as a secret', () => {
    expect(new Set(FAKE_SECRETS).size).toBe(FAKE_SECRETS.length)
    expect(FAKE_SECRETS).not.toContain(EMULATOR_TOKEN)
  })

  it.each(FAKE_SECRETS)('the leak check fails on %s in the summary or stdout, not in an add-mask command', (secret) => {
    expect(() => expectNoSecretLeak(result(`::add-mask::${secret}\nJob 4100 Complete\n`))).not.toThrow()
    expect(() => expectNoSecretLeak(result('', `token ${secret}`))).toThrow(/summary contains a secret/)
    expect(() => expectNoSecretLeak(result(`::error::Bearer ${secret}\n`))).toThrow(/stdout contains a secret/)
  })
})
