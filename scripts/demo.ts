// `npm run demo`: start the API emulator, run the committed dist/index.js the way the GitHub runner does on a
// short job, and print the log, the outputs and the step summary.
import { Emulator } from '../test/emulator/index.ts'
import { startAction } from '../test/support/run-action.ts'

const emulator = await Emulator.start({
  scenario: { durationMs: 8000, statuses: ['Created', 'Pending', 'InProgress'], stages: [{ jobType: 'wrangle' }, { jobType: 'filewriter' }] }
})
console.log(`Emulator listening on ${emulator.url}\n`)
try {
  const action = startAction({
    'api-url': emulator.url,
    'api-token': emulator.token,
    'recipe-id': '7',
    overrides: JSON.stringify({ execution: 'photon', profiler: false }),
    'run-parameters': 'country=Germany\nregion=EMEA',
    'poll-interval': '1s'
  })
  action.child.stdout?.pipe(process.stdout)
  action.child.stderr?.pipe(process.stderr)
  const result = await action.result
  console.log('\n--- outputs ---')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}: ${value}`)
  console.log('\n--- step summary ---')
  console.log(result.summary)
  console.log(`--- exit code ${result.code}, status ${result.outputs.status ?? '(none)'} ---`)
  process.exitCode = result.code === 0 && result.outputs.status === 'Complete' ? 0 : 1
} finally {
  await emulator.close()
}
