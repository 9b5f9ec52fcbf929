// The dry-run input and the refresh token's expiry: when a dry run may have no target, when the token answer or
// the token itself says the refresh token lapses, and the warning 14 days before.
import { describe, expect, it } from 'vitest'
import { readAnswer } from '../../src/auth/token-endpoint.ts'
import { lapseWarning, LAPSE_WARNING_MS, refreshTokenExpiresAt } from '../../src/auth/token-life.ts'
import { API_TOKEN, SECRETS_TOKENS } from '../support/fake-tokens.ts'
import { inputParser } from '../support/parse-inputs.ts'
import { actionDefaults } from '../support/run-action.ts'

const { parse, errorsOf } = inputParser({
  ...actionDefaults(),
  'api-url': 'https://us1.alteryxcloud.com',
  'api-token': API_TOKEN,
  'recipe-id': '7'
})
const REFRESHING = {
  'api-token': '',
  'recipe-id': '',
  'refresh-token': 'a-refresh-token-of-the-pair',
  'client-id': 'your-client-id',
  'token-endpoint': 'https://pingauth.alteryxcloud.com/as',
  'refresh-token-secret': 'AAC_REFRESH_TOKEN',
  'secrets-token': SECRETS_TOKENS.writer
}
const NOW = Date.UTC(2026, 11, 1, 12)
const DAY = 86_400_000

/** An unsigned JWT with these claims (only the payload is read). */
const jwt = (claims: object): string => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`

describe('the dry-run input', () => {
  it('is false by default; true keeps the target and every other input as for a run', () => {
    expect(parse({}).dryRun).toBe(false)
    expect(parse({ 'dry-run': 'true', overrides: '{"execution": "photon"}' })).toMatchObject({
      dryRun: true,
      target: { kind: 'recipe', recipeId: 7 },
      overrides: { execution: 'photon' }
    })
    expect(errorsOf({ 'dry-run': 'yes please' }).map((e) => e.input)).toEqual(['dry-run'])
  })

  it('without a target: only with a refresh token (the keep-alive), else an input error on dry-run', () => {
    expect(parse({ ...REFRESHING, 'dry-run': 'true' }).target).toEqual({ kind: 'none' })
    const [error] = errorsOf({ 'dry-run': 'true', 'recipe-id': '' })
    expect(error?.input).toBe('dry-run')
    expect(error?.message).toContain('needs a run target')
    expect(errorsOf({ ...REFRESHING }).map((e) => e.input)).toEqual(['recipe-id'])
    expect(errorsOf({ ...REFRESHING, 'dry-run': 'true', overrides: '{}' }).map((e) => e.input)).toEqual(['overrides'])
  })
})

describe("the refresh token's expiry", () => {
  it('from refresh_token_expires_in, counted from the send; else from the JWT exp; else unknown', () => {
    expect(refreshTokenExpiresAt(3600, 'opaque', NOW)).toBe(NOW + 3600_000)
    expect(refreshTokenExpiresAt('3600', undefined, NOW)).toBe(NOW + 3600_000)
    expect(refreshTokenExpiresAt(undefined, jwt({ exp: NOW / 1000 + 60 }), NOW)).toBe(NOW + 60_000)
    // Nothing odd is believed, also not an expiry too far off to be a date (1e20 seconds).
    for (const odd of [undefined, null, '', 'soon', -5, 0, {}, Infinity, 1e20, 20 * 365 * 86_400]) {
      expect(refreshTokenExpiresAt(odd, 'opaque', NOW)).toBeUndefined()
    }
    expect(refreshTokenExpiresAt(undefined, jwt({ sub: 'x' }), NOW)).toBeUndefined()
    expect(refreshTokenExpiresAt(undefined, jwt({ exp: 1e300 }), NOW)).toBeUndefined()
  })

  it('is read from the token answer', () => {
    const body = JSON.stringify({ access_token: 'a', refresh_token: 'r', refresh_token_expires_in: 86_400 })
    expect(readAnswer(200, body, NOW).refreshExpiresAt).toBe(NOW + DAY)
    expect(readAnswer(200, JSON.stringify({ access_token: 'a', refresh_token: 'r' }), NOW).refreshExpiresAt).toBe(
      undefined
    )
  })

  it('warns under 14 days, naming the date and the keep-alive; says nothing otherwise', () => {
    const warning = lapseWarning(NOW + 9.5 * DAY, NOW)
    expect(warning).toContain('The refresh token expires on 2026-12-11 00:00 UTC (in 9 days)')
    expect(warning).toContain('dry-run: true')
    expect(warning).toContain('Keep the refresh token alive')
    expect(lapseWarning(NOW + LAPSE_WARNING_MS, NOW)).toBeUndefined()
    expect(lapseWarning(NOW + LAPSE_WARNING_MS - 1, NOW)).toBeDefined()
    expect(lapseWarning(undefined, NOW)).toBeUndefined()
    expect(lapseWarning(NOW - DAY, NOW)).toContain('(in 0 days)')
  })
})
