/**
 * The main step's sign-in: the token source for the configured mode. With OAuth 2.0, every access token is saved
 * in state for the post step, and every rotated refresh token is set as the masked `refresh-token` output and
 * written back to the configured secret at once, before any other request. A failed write cannot be undone (the
 * old refresh token no longer works), so it fails the step whatever the job does, and says where the new one is.
 */
import * as core from '@actions/core'
import { OUTPUT } from '../inputs/action-spec.ts'
import { staticToken, type TokenSource } from '../api/api-client.ts'
import type { Clock } from '../shared/clock.ts'
import { formatMs } from '../shared/format.ts'
import type { Config } from '../inputs/inputs.ts'
import { log } from '../shared/log.ts'
import { saveAccessToken } from '../runner/state.ts'
import { escapeText } from '../report/summary.ts'
import type { Transport } from '../http/transport.ts'
import { USER_AGENT } from '../shared/version.ts'
import { OAuthTokens } from './oauth.ts'
import { SecretStore } from './secret-store.ts'
import type { TokenAnswer } from './token-endpoint.ts'
import { lapseWarning, utcDate } from './token-life.ts'

/** Failed writes so far: the first is explained in full, later ones only add a line. */
let writeFailures = 0
/** The warning that the refresh token lapses soon is given once per run. */
let lapseWarned = false

/** A rotated refresh token could not be written back (the step fails). */
export const rotatedTokenUnsaved = (): boolean => writeFailures > 0

export function signIn(config: Config, transport: Transport, clock: Clock): TokenSource {
  const s = config.signIn
  if (s.mode === 'static') return staticToken(s.token)
  const onRetry = (message: string, persistent: boolean): void =>
    persistent ? log.warning(message, { title: 'Sign-in retries' }) : log.debug(message)
  const common = { transport, clock, userAgent: USER_AGENT, requestTimeoutMs: config.requestTimeoutMs, onRetry }
  const writeBack = s.mode === 'refresh-token' ? s.writeBack : undefined
  const stepDeadline = clock.now() + config.timeoutMs
  const store = writeBack ? new SecretStore({ writeBack, stepDeadline, ...common }) : undefined
  const grant =
    s.mode === 'refresh-token'
      ? { kind: 'refresh_token' as const, refreshToken: s.refreshToken, clientId: s.clientId }
      : { kind: 'client_credentials' as const, clientId: s.clientId, clientSecret: s.clientSecret }
  return new OAuthTokens({
    grant,
    endpoint: { url: s.tokenEndpoint, ...common },
    initialToken: s.mode === 'refresh-token' ? s.accessToken : undefined,
    prepare: store ? () => store.check() : undefined,
    onAccessToken: saveAccessToken,
    onRotated: (refreshToken) => rotated(refreshToken, store),
    onObtained: (answer, count) => obtained(answer, count, s.tokenEndpoint, clock.now()),
    secretLabel: store?.label
  })
}

function obtained(answer: TokenAnswer, count: number, endpoint: string, now: number): void {
  const life = answer.expiresIn === undefined ? '' : `; it is valid for ${formatMs(answer.expiresIn * 1000)}`
  const expires = answer.refreshExpiresAt
  const lapse = expires === undefined ? '' : `; the refresh token expires on ${utcDate(expires)}`
  const line = `${count === 1 ? 'Signed in' : `Access token ${count} obtained`} at ${endpoint}${life}${lapse}.`
  if (count === 1) log.info(line)
  else log.debug(line)
  const warning = lapseWarning(expires, now)
  if (warning && !lapseWarned) {
    lapseWarned = true
    log.warning(warning, { title: 'Refresh token expires soon' })
  }
}

/** The new refresh token: the masked output at once, then the secret. */
async function rotated(refreshToken: string, store: SecretStore | undefined): Promise<void> {
  // Not through outputs.ts, which redacts: this output is the one place the token may go (masked in the log).
  core.setOutput(OUTPUT.refreshToken, refreshToken)
  if (!store) return
  try {
    await store.write(refreshToken)
    log.debug(`The refresh token rotated; the new one was written to the secret ${store.label}.`)
  } catch (error) {
    if (writeFailures > 0) log.warning((error as Error).message, { title: 'Secret write' })
    else await writeFailed(store.label, (error as Error).message)
    writeFailures += 1
  }
}

async function writeFailed(secret: string, why: string): Promise<void> {
  const message =
    `The refresh token rotated, but writing the new one to the secret ${secret} failed. ${why} The stored refresh ` +
    `token no longer works, so the next run cannot sign in until ${secret} is updated. The new refresh token is in ` +
    "this step's refresh-token output (masked): a later step of this job can store it. This step fails, whatever " +
    'the job does.'
  log.error(message, { title: 'Refresh token not saved' })
  process.exitCode = 1
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(`> [!WARNING]\n> ${escapeText(message, 2000)}\n`, true).write()
}
