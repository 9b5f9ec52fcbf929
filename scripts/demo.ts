// `npm run demo`: start the API emulator, run the committed dist/index.js the way the GitHub runner does on a
// short job, and print the log, the outputs and the step summary. `npm run demo -- aac` signs in the Alteryx
// Analytics Cloud way instead: short-lived access tokens from the emulator's OAuth token server, each rotated
// refresh token written back to a fake GitHub Actions secret, which is then opened to show it holds the last one.
import { Emulator, startAacEmulator } from '../test/emulator/index.ts'
import { FakeGitHub } from '../test/support/fake-github.ts'
import { startAction, type ActionResult } from '../test/support/run-action.ts'

const SCENARIO = {
  durationMs: 8000,
  statuses: ['Created', 'Pending', 'InProgress'],
  stages: [{ jobType: 'wrangle' }, { jobType: 'filewriter' }]
}
const DEMO_SECRETS_TOKEN = 'github_pat_demo_secrets_writer'
const ACCESS_TOKEN_SECONDS = 4

async function runAndPrint(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionResult> {
  const action = startAction({ 'recipe-id': '7', 'poll-interval': '1s', ...inputs }, { env })
  action.child.stdout?.pipe(process.stdout)
  action.child.stderr?.pipe(process.stderr)
  const result = await action.result
  console.log('\n--- outputs ---')
  for (const [name, value] of Object.entries(result.outputs)) {
    console.log(
      `${name}: ${name === 'refresh-token' && value ? `(${value.length} characters, masked in the log)` : value}`
    )
  }
  console.log('\n--- step summary ---')
  console.log(result.summary)
  console.log(`--- exit code ${result.code}, status ${result.outputs.status ?? '(none)'} ---`)
  return result
}

async function demo(): Promise<boolean> {
  const emulator = await Emulator.start({ scenario: SCENARIO })
  console.log(`Emulator listening on ${emulator.url}\n`)
  try {
    const result = await runAndPrint({
      'api-url': emulator.url,
      'api-token': emulator.token,
      overrides: JSON.stringify({ execution: 'photon', profiler: false }),
      'run-parameters': 'country=Germany\nregion=EMEA'
    })
    return result.code === 0 && result.outputs.status === 'Complete'
  } finally {
    await emulator.close()
  }
}

async function demoAac(): Promise<boolean> {
  const aac = await startAacEmulator({
    emulator: { scenario: SCENARIO },
    tokenServer: { accessTokenLifetimeSeconds: ACCESS_TOKEN_SECONDS }
  })
  const github = await FakeGitHub.start({ secrets: { tokens: { [DEMO_SECRETS_TOKEN]: 'secrets' } } })
  console.log(
    `API emulator on ${aac.emulator.url}, token server on ${aac.tokenServer.url}, fake GitHub on ` + `${github.url}`
  )
  console.log(`Access tokens live ${ACCESS_TOKEN_SECONDS} s; the job takes ${SCENARIO.durationMs / 1000} s.\n`)
  try {
    const { refreshToken } = aac.tokenServer.issueRefreshToken()
    const inputs = {
      'api-url': aac.emulator.url,
      'refresh-token': refreshToken,
      'client-id': aac.tokenServer.clientId,
      'token-endpoint': aac.tokenServer.issuer,
      'refresh-token-secret': 'AAC_REFRESH_TOKEN',
      'secrets-token': DEMO_SECRETS_TOKEN
    }
    const result = await runAndPrint(inputs, { GITHUB_API_URL: github.url })
    const counts = aac.tokenServer.counts
    const stored = github.secretValue('AAC_REFRESH_TOKEN')
    const current = stored !== undefined && stored === aac.tokenServer.latestRefreshToken
    console.log('\n--- sign-in ---')
    console.log(
      `refreshes: ${counts.refreshed} in ${(result.durationMs / 1000).toFixed(1)} s (rejected: ` + `${counts.rejected})`
    )
    console.log(`secret writes: ${github.requestsTo('PUT', /\/actions\/secrets\/AAC_REFRESH_TOKEN$/).length}`)
    console.log(`AAC_REFRESH_TOKEN decrypts to the last refresh token issued: ${current ? 'yes' : 'no'}`)
    console.log(`the first refresh token is now: ${aac.tokenServer.refreshTokenState(refreshToken)}`)
    return result.code === 0 && result.outputs.status === 'Complete' && current
  } finally {
    await Promise.all([aac.close(), github.close()])
  }
}

process.exitCode = (await (process.argv.includes('aac') ? demoAac() : demo())) ? 0 : 1
