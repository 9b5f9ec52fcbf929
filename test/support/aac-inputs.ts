// The inputs of a step that signs in to the AAC emulator with a refresh token and writes the rotated one back.
import type { AacEmulator } from '../emulator/index.ts'
import { SECRETS_TOKENS } from './fake-tokens.ts'

/** The repository secret the rotated refresh token is written back to. */
export const REFRESH_TOKEN_SECRET = 'AAC_REFRESH_TOKEN'

/** Inputs signing in with `refreshToken`, writing it back to `AAC_REFRESH_TOKEN` with a token that may. */
export function refreshInputs(
  a: AacEmulator,
  refreshToken: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    'api-url': a.emulator.url,
    'recipe-id': '7',
    'refresh-token': refreshToken,
    'client-id': a.tokenServer.clientId,
    'token-endpoint': a.tokenServer.issuer,
    'refresh-token-secret': REFRESH_TOKEN_SECRET,
    'secrets-token': SECRETS_TOKENS.writer,
    'poll-interval': '1s',
    'max-poll-interval': '2s',
    ...extra
  }
}
