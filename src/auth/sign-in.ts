/**
 * The main step's sign-in: the token source for the configured mode. With OAuth 2.0, every access token is saved
 * in state for the post step, and every rotated refresh token is written back to the configured secret at once,
 * before any other request and before any runner file is touched, then set as the masked `refresh-token` output.
 * A failed write leaves the secret holding a refresh token that no longer works, so it fails the step whatever the
 * job does and says where the new one is; unless a later rotation's refresh token reaches the secret (it says so).
 */
import * as core from '@actions/core'
import { OUTPUT } from '../inputs/action-spec.ts'
import { staticToken, type TokenSource } from '../api/api-client.ts'
import type { Clock } from '../shared/clock.ts'
import { formatMs } from '../shared/format.ts'
import type { Config } from '../inputs/inputs.ts'
import { log } from '../shared/log.ts'
import { write } from '../runner/file-commands.ts'
import { saveAccessToken } from '../runner/state.ts'
import { escapeText } from '../report/summary.ts'
import type { Transport } from '../http/transport.ts'
import { USER_AGENT } from '../shared/version.ts'
import { TOKENS_PAGE } from './explain.ts'
import { OAuthTokens } from './oauth.ts'
import { SecretStore } from './secret-store.ts'
import type { TokenAnswer } from './token-endpoint.ts'
import { lapseWarning, utcDate } from './token-life.ts'

/** Failed writes so far: the first is explained in full, later ones only add a line. */
let writeFailures = 0
/** The last write failed, so the secret holds a refresh token that no longer works (and the step fails). */
let unsaved = false
/** The exit code before the failed write set it, restored when a later write succeeds. */
let exitBefore: typeof process.exitCode
/** The warning that the refresh token lapses soon is given once per run. */
let lapseWarned = false

/** A rotated refresh token could not be written back (the step fails). */
export const rotatedTokenUnsaved = (): boolean => unsaved

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

/**
 * The end of the step: a refresh still under way gets up to `withinMs` to end (its rotated refresh token goes to
 * the secret); if it does not, a warning and a note for the summary say that the refresh token may be lost.
 */
export async function finishSignIn(tokens: TokenSource, withinMs: number): Promise<string | undefined> {
  if (!tokens.settle || (await tokens.settle(withinMs))) return undefined
  const note =
    'A refresh of the access token was still under way when the step ended: the token endpoint may have rotated ' +
    'the refresh token, and the new one may not have reached the secret. If the next run cannot sign in ' +
    `(invalid_grant), create a new token pair (${TOKENS_PAGE}) and store its refresh token.`
  log.warning(note, { title: 'Refresh token may be lost' })
  return note
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

/**
 * The new refresh token: the secret first, then the masked output. Nothing is written to a runner file before the
 * secret: a full disk must not cost the only refresh token that works, and an output that fails never stops it.
 */
async function rotated(refreshToken: string, store: SecretStore | undefined): Promise<void> {
  let failure: string | undefined
  if (store) {
    try {
      await store.write(refreshToken)
      log.debug(`The refresh token rotated; the new one was written to the secret ${store.label}.`)
      if (unsaved) await savedAfterAll(store.label)
    } catch (error) {
      failure = (error as Error).message
    }
  }
  // Not through outputs.ts, which redacts: this output is the one place the token may go (masked in the log).
  const output = write('GITHUB_OUTPUT', `the output ${OUTPUT.refreshToken}`, () =>
    core.setOutput(OUTPUT.refreshToken, refreshToken)
  )
  if (failure === undefined || !store) return
  if (writeFailures > 0) log.warning(failure, { title: 'Secret write' })
  if (writeFailures === 0 || !unsaved) await writeFailed(store.label, failure, output)
  writeFailures += 1
  unsaved = true
}

/** A later rotation's refresh token reached the secret after a failed write: the secret holds the working one. */
async function savedAfterAll(secret: string): Promise<void> {
  unsaved = false
  process.exitCode = exitBefore
  const message =
    `A later rotation's refresh token was written to the secret ${secret}: it holds the refresh token that works ` +
    'again, and the failed write above no longer fails this step.'
  log.notice(message, { title: 'Refresh token saved' })
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const summary = core.summary.addRaw(`> [!NOTE]\n> ${escapeText(message, 2000)}\n`, true)
  await summary.write().catch(() => summary.emptyBuffer())
}

async function writeFailed(secret: string, why: string, output: boolean): Promise<void> {
  const where = output
    ? "The new refresh token is in this step's refresh-token output (masked): a later step of this job can store it."
    : "The new refresh token could not be set as this step's refresh-token output either (GITHUB_OUTPUT could not " +
      `be written): create a new token pair (${TOKENS_PAGE}) and store its refresh token in ${secret}.`
  const message =
    `The refresh token rotated, but writing the new one to the secret ${secret} failed. ${why} The stored refresh ` +
    `token no longer works, so the next run cannot sign in until ${secret} is updated. ${where} This step fails, ` +
    'whatever the job does.'
  log.error(message, { title: 'Refresh token not saved' })
  exitBefore = process.exitCode
  process.exitCode = 1
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const summary = core.summary.addRaw(`> [!WARNING]\n> ${escapeText(message, 2000)}\n`, true)
  await summary.write().catch(() => summary.emptyBuffer()) // a summary that cannot be written is said at the end
}
