// `npm run emulator -- [setup] [port]`: serve the API emulator on 127.0.0.1 until stopped, for trying the action by
// hand or from a workflow (`uses: ./` in CI). A setup is one of the documentation's (test/support/emulator-setups.ts):
// `default`, `flows`, `plans` or `aac`; the README tests run each example against the same setup. `aac` also starts
// the OAuth token server and a fake GitHub API whose Actions secrets take the rotated refresh token. Run through npm
// so that the Node 24 of node_modules/.bin strips the types; a system Node 20 cannot run .ts files. Jobs run for
// 5 s and end Complete. Stop with Ctrl-C.
import { Emulator, startAacEmulator, type TokenServer } from '../test/emulator/index.ts'
import { AAC_EXAMPLE_CLIENT_ID, EMULATOR_SETUPS, type EmulatorSetup } from '../test/support/emulator-setups.ts'
import { FakeGitHub } from '../test/support/fake-github.ts'
import { SECRETS_ACCESS, SECRETS_TOKENS, SERVICE_PRINCIPAL } from '../test/support/fake-tokens.ts'

const DEFAULT_PORT = 8950
const SETUPS = Object.keys(EMULATOR_SETUPS).join('|')
const USAGE = `usage: npm run emulator -- [${SETUPS}] [port]   (port 0 picks a free one; default ${DEFAULT_PORT})`
const SCENARIO = { durationMs: 5000, statuses: ['Created', 'InProgress'] }
/** The secret the AAC example writes the rotated refresh token to, and the repository the fake GitHub holds. */
const SECRET_NAME = 'AAC_REFRESH_TOKEN'
const REPOSITORY = 'acme/pipelines'

interface Args {
  setup: string
  port: number
}

function fail(message: string, code = 2): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(code)
}

function parseArgs(args: string[]): Args {
  const parsed: Args = { setup: 'default', port: DEFAULT_PORT }
  if (args.length > 2) fail(`Too many arguments: ${args.join(' ')}`)
  for (const arg of args) {
    if (/^\d+$/.test(arg) && Number(arg) <= 65535) parsed.port = Number(arg)
    else if (arg in EMULATOR_SETUPS) parsed.setup = arg
    else fail(`Neither a setup nor a port: ${arg}`)
  }
  return parsed
}

/** Closes what was started, in any order. */
type Close = () => Promise<void>

async function serve(name: string, setup: EmulatorSetup, port: number): Promise<Close> {
  const options = { ...setup.emulator, port, scenario: SCENARIO }
  if (!setup.oauthClients) {
    const emulator = await Emulator.start(options)
    setup.prepare?.(emulator)
    console.log(`Emulator (${name}: ${setup.summary}) listening on ${emulator.url}; token: ${emulator.token}`)
    console.log(`Jobs take ${SCENARIO.durationMs / 1000} s.`)
    return () => emulator.close()
  }
  const aac = await startAacEmulator({ emulator: options, tokenServer: { clients: setup.oauthClients } })
  setup.prepare?.(aac.emulator)
  const github = await FakeGitHub.start({ secrets: { tokens: SECRETS_ACCESS, environments: ['production'] } })
  const watch = watchSecret(github, aac.tokenServer)
  const { refreshToken } = aac.tokenServer.issueRefreshToken({ clientId: AAC_EXAMPLE_CLIENT_ID })
  const inputs = [
    `INPUT_API-URL=${aac.emulator.url}`,
    'INPUT_API-TOKEN=',
    `INPUT_TOKEN-ENDPOINT=${aac.tokenServer.issuer}`,
    `INPUT_CLIENT-ID=${AAC_EXAMPLE_CLIENT_ID}`,
    `INPUT_REFRESH-TOKEN=${refreshToken}`,
    `INPUT_REFRESH-TOKEN-SECRET=${SECRET_NAME}`,
    `INPUT_SECRETS-TOKEN=${SECRETS_TOKENS.writer}`,
    `GITHUB_API_URL=${github.url}`,
    `GITHUB_REPOSITORY=${REPOSITORY}`
  ]
  console.log(`Emulator (${name}: ${setup.summary}) listening on ${aac.emulator.url}`)
  console.log(`Token endpoint ${aac.tokenServer.issuer}/token; fake GitHub (secrets of ${REPOSITORY}) ${github.url}.`)
  console.log(`Jobs take ${SCENARIO.durationMs / 1000} s. The inputs of the AAC example, as a bash array to paste:`)
  console.log(`aac=(${inputs.join(' ')})`)
  const sp = `INPUT_CLIENT-ID=${SERVICE_PRINCIPAL.id} INPUT_CLIENT-SECRET=${SERVICE_PRINCIPAL.secret}`
  console.log(
    `The service principal's: sp=(${sp} INPUT_REFRESH-TOKEN= INPUT_REFRESH-TOKEN-SECRET= INPUT_SECRETS-TOKEN=)`
  )
  console.log('A refresh token works once: each one written to the secret is printed here, for the next run.')
  return async () => {
    clearInterval(watch)
    await Promise.all([aac.close(), github.close()])
  }
}

/** Prints the refresh token the fake secret holds each time it changes: the one the next run must sign in with. */
function watchSecret(github: FakeGitHub, tokenServer: TokenServer): NodeJS.Timeout {
  let last: string | undefined
  return setInterval(() => {
    const stored = github.secretValue(SECRET_NAME, undefined, REPOSITORY)
    if (stored === undefined || stored === last) return
    last = stored
    const state = tokenServer.refreshTokenState(stored)
    console.log(`${SECRET_NAME} now holds a refresh token that is ${state}; for the next run, paste:`)
    console.log(`aac+=(INPUT_REFRESH-TOKEN=${stored})`)
  }, 500)
}

const { setup, port } = parseArgs(process.argv.slice(2))
let close: Close
try {
  close = await serve(setup, EMULATOR_SETUPS[setup]!, port)
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  fail(code === 'EADDRINUSE' ? `Port ${port} is in use; give another one.` : String(error), 1)
}
const stop = (): void => void close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
