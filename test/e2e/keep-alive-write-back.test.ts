// The keep-alive's one job is the write-back: when the rotated refresh token cannot be written back, the step
// fails, says so, never claims it was written, never prints the new token, and its result still parses.
import { afterEach, describe, expect, it } from 'vitest'
import { startAacEmulator, type AacEmulator } from '../emulator/index.ts'
import { REFRESH_TOKEN_SECRET, refreshInputs } from '../support/aac-inputs.ts'
import { errors, run } from '../support/e2e.ts'
import { shown } from '../support/shown.ts'

const servers: AacEmulator[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('the keep-alive whose write-back fails', () => {
  it('GitHub unreachable: the step fails naming the secret; the result parses; the new token is nowhere', async () => {
    const a = await startAacEmulator({})
    servers.push(a)
    const refreshToken = a.tokenServer.issueRefreshToken().refreshToken
    const result = await run(refreshInputs(a, refreshToken, { 'dry-run': 'true', 'recipe-id': '' }), {
      env: { GITHUB_API_URL: 'http://127.0.0.1:9' }
    })
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain(REFRESH_TOKEN_SECRET)
    expect(shown(result.summary)).not.toContain(`was written to the secret ${REFRESH_TOKEN_SECRET}`)
    expect(() => JSON.parse(result.outputs.result!)).not.toThrow()
    const latest = a.tokenServer.latestRefreshToken!
    const all = [result.stdout.replace(/^::add-mask::.*$/gm, ''), result.stderr, result.summary, result.files.output]
    for (const text of all) expect(text).not.toContain(latest)
  })
})
