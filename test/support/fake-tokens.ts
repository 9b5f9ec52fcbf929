// The fake tokens and secrets the tests share, each defined once: a leak check must look for the very value the run
// was given, and a fake server must know the very token a test sends. Each is odd enough not to appear by chance.
import type { SecretsAccess } from './fake-github-secrets.ts'

/** The emulator's default bearer token, as the README and `npm run emulator` document it. */
export const EMULATOR_TOKEN = 'emulator-token'

/** The action's api-token in the tests (the e2e helpers start emulators that accept it). */
export const API_TOKEN = 'tk-SECRET-7f3a9c1e5b'

/** Not API_TOKEN: given to the action, or made the emulator's token, so that the action's token is refused. */
export const WRONG_API_TOKEN = 'tk-WRONG-4d8b2e6a0c'

/** The workflow's GITHUB_TOKEN: what `${{ github.token }}` (github-token's default) and `secrets.GITHUB_TOKEN` are. */
export const GITHUB_TOKEN = 'ghs_fake_github_token'

/** Personal access tokens for the fake GitHub's Actions secrets routes, named by the permissions they stand for. */
export const SECRETS_TOKENS: Readonly<Record<'writer' | 'repoOnly' | 'none' | 'unknown', string>> = {
  /** "Secrets" and "Environments", read and write: may write repository and environment secrets. */
  writer: 'github_pat_11SECRETS_writer_5c1e9',
  /** "Secrets" only: repository secrets, not environment secrets. */
  repoOnly: 'github_pat_11REPO_only_3b2d8',
  /** Neither permission. */
  none: 'github_pat_11NO_secrets_77a0f',
  /** A token GitHub does not know: 401. */
  unknown: 'github_pat_11UNKNOWN_00000'
}

/** FakeGitHub's `secrets.tokens`: what each token may do; the workflow's own GITHUB_TOKEN may not write secrets. */
export const SECRETS_ACCESS: Readonly<Record<string, SecretsAccess>> = {
  [SECRETS_TOKENS.writer]: 'secrets',
  [SECRETS_TOKENS.repoOnly]: 'repo-secrets',
  [SECRETS_TOKENS.none]: 'none',
  [GITHUB_TOKEN]: 'github-token'
}

/** A service principal: an OAuth client with a secret, which signs in with the client-credentials grant. */
export const SERVICE_PRINCIPAL: Readonly<{ id: string; secret: string }> = {
  id: 'sp-client-7',
  secret: 'sp-SECRET-2b7c1d9e'
}

/** The password of the proxy that asks for credentials, and the `user:password` a proxy URL carries. */
export const PROXY_PASSWORD = 'pr0xy-s3cret'
export const PROXY_CREDENTIALS = `build:${PROXY_PASSWORD}`

/**
 * The password inside the emulator's default database connection string (the `databaseConnectString` of the tables
 * a job group wrote): a real one can hold credentials, and none may ever be printed.
 */
export const DB_PASSWORD = 'db-SECRET-91c4e7'

/** Every fake secret above (not the documented EMULATOR_TOKEN): none may appear in what the action prints or writes. */
export const FAKE_SECRETS: readonly string[] = [
  API_TOKEN,
  WRONG_API_TOKEN,
  GITHUB_TOKEN,
  ...Object.values(SECRETS_TOKENS),
  SERVICE_PRINCIPAL.secret,
  PROXY_PASSWORD,
  DB_PASSWORD
]
