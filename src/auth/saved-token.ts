/**
 * The post step's token. It never signs in anew: with OAuth 2.0 it uses the access token the main step saved
 * (a refresh would rotate the refresh token, and the new one would have nowhere safe to go), else the static
 * `api-token`.
 */
import { staticToken, type TokenSource } from '../api/api-client.ts'
import type { Config } from '../inputs/inputs.ts'
import { registerSecret } from '../shared/secrets.ts'
import { readSavedAccessToken } from '../runner/state.ts'

export function postStepToken(config: Config, getState: (key: string) => string): TokenSource {
  const s = config.signIn
  if (s.mode === 'static') return staticToken(s.token)
  const saved = readSavedAccessToken(getState)
  registerSecret(saved)
  return staticToken(saved || (s.mode === 'refresh-token' ? (s.accessToken ?? '') : ''))
}
