// What the AAC families of the hostile-server suite share: an AAC emulator (token server and API) and a fake
// GitHub, closed after each test; and the checks every AAC case makes on top of the four promises: the refresh
// token is never lost (the secret holds the one that works, or the step says it does not and what to do), and no
// token of the sign-in appears anywhere but the two places allowed (the masked refresh-token output, the saved
// access token).
import { afterEach, expect } from 'vitest'
import { startAacEmulator, type AacEmulator, type AacEmulatorOptions } from '../../emulator/index.ts'
import { REFRESH_TOKEN_SECRET } from '../../support/aac-inputs.ts'
import { errors, expectNoSecretLeak } from '../../support/e2e.ts'
import { FakeGitHub, type FakeGitHubOptions } from '../../support/fake-github.ts'
import { FAKE_SECRETS, SECRETS_ACCESS } from '../../support/fake-tokens.ts'
import type { ActionResult, RunOptions } from '../../support/run-action.ts'
import { expectNoDuplicate, expectNoForgedCommand, expectSafeSummary } from './promises.ts'

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

export async function aac(options: AacEmulatorOptions = {}): Promise<AacEmulator> {
  const started = await startAacEmulator(options)
  servers.push(started)
  return started
}

export async function github(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const gh = await FakeGitHub.start({ ...options, secrets: { tokens: SECRETS_ACCESS, ...options.secrets } })
  servers.push(gh)
  return gh
}

export const onGitHub = (gh: FakeGitHub, options: RunOptions = {}): RunOptions => ({
  ...options,
  env: { GITHUB_API_URL: gh.url, ...options.env }
})

const bearer = (headers: Record<string, string>): string | undefined =>
  /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1]

/** Every token of the sign-in the servers saw: refresh tokens sent and issued, access tokens used, sealed values. */
export function tokensOf(a: AacEmulator, gh: FakeGitHub): string[] {
  const sent = a.tokenServer.requests.flatMap((r) =>
    [...new URLSearchParams(r.body).values()].filter((v) => v.length > 20)
  )
  const used = a.emulator.requests.map((r) => bearer(r.headers))
  const issued = [a.tokenServer.latestRefreshToken, a.tokenServer.latestAccessToken]
  const sealed = gh.requestsTo('PUT', /secrets\//).map((r) => (r.json as { encrypted_value?: string })?.encrypted_value)
  const all = [...sent, ...used, ...issued, ...sealed, ...FAKE_SECRETS]
  return [...new Set(all.filter((t): t is string => typeof t === 'string' && t.length > 0))]
}

/**
 * The promises of an AAC run: no duplicate job, no forged command, a safe summary, no token leaked (but for the
 * masked refresh-token output and the saved access token), and the refresh token not lost: the secret holds the
 * one refresh token that still works, or the step failed saying that it does not and to create a new token pair.
 */
export function expectAacPromisesKept(a: AacEmulator, gh: FakeGitHub, result: ActionResult): void {
  expectNoDuplicate(a.emulator)
  expectNoForgedCommand(result.stdout)
  expectSafeSummary(result.summary, [new URL(a.emulator.url).origin])
  expectNoTokenLeak(result, tokensOf(a, gh))
  const stored = gh.secretValue(REFRESH_TOKEN_SECRET)
  const works = stored !== undefined && a.tokenServer.refreshTokenState(stored) === 'active'
  const latest = a.tokenServer.latestRefreshToken
  if (works) {
    expect(stored, 'the secret holds the latest refresh token').toBe(latest)
    return
  }
  // The secret was not updated, or holds a dead token: only when no working one exists anywhere this step knows…
  const said = errors(result).join('\n')
  expect(result.code, 'the step fails when the secret holds no working refresh token').toBe(1)
  expect(said, 'the step says what to do').toMatch(/create a new token pair|refresh-token output/)
}

/** Nothing leaks, but for the masked refresh-token output and the saved access token (every value ever written). */
export function expectNoTokenLeak(result: ActionResult, secrets: string[]): void {
  const { 'refresh-token': output, ...outputs } = result.outputs
  const state = Object.fromEntries(Object.entries(result.state).filter(([key]) => key !== 'accessToken'))
  const without = (text: string, name: string): string =>
    text.replace(new RegExp(`^${name}<<(.+)\\n[\\s\\S]*?\\n\\1$`, 'gm'), '')
  const files = {
    output: without(result.files.output, 'refresh-token'),
    state: without(result.files.state, 'accessToken')
  }
  expectNoSecretLeak({ ...result, outputs, state, files }, secrets)
  if (output) expect(result.stdout).toContain(`::add-mask::${output}`)
  if (result.state.accessToken) expect(result.stdout).toContain(`::add-mask::${result.state.accessToken}`)
}

export { REFRESH_TOKEN_SECRET }
