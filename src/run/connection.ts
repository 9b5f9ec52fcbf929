/** The connection to the API for a configuration: client, token source and the log lines of its retries. */
import { ApiClient, staticToken, type TokenSource } from '../api/api-client.ts'
import type { Clock } from '../shared/clock.ts'
import type { Config } from '../inputs/inputs.ts'
import { JobGroupsApi } from '../api/job-groups.ts'
import { log } from '../shared/log.ts'
import type { Transport } from '../http/transport.ts'
import { USER_AGENT } from '../shared/version.ts'

/** `tokens`: the sign-in's token source; the static `api-token` by default. */
export function connect(
  config: Config,
  transport: Transport,
  clock: Clock,
  tokens: TokenSource = staticToken(config.apiToken)
): JobGroupsApi {
  const client = new ApiClient({
    apiUrl: config.apiUrl,
    tokens,
    userAgent: USER_AGENT,
    transport,
    clock,
    requestTimeoutMs: config.requestTimeoutMs,
    onRetry: (message, persistent) => (persistent ? log.warning(message, { title: 'API retries' }) : log.debug(message))
  })
  return new JobGroupsApi(client, (message) => log.info(message))
}
