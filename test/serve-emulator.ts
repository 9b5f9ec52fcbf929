// Serve the API emulator on 127.0.0.1 until stopped, for trying the action by hand or from a workflow:
//   node test/serve-emulator.ts [port]
// Prints the URL and the token; jobs run for 5 s. Stop with Ctrl-C.
import { Emulator } from './emulator/index.ts'

const port = Number(process.argv[2] ?? 0)
const emulator = await Emulator.start({ port, scenario: { durationMs: 5000, statuses: ['Created', 'InProgress'] } })
console.log(`Emulator listening on ${emulator.url} (token: ${emulator.token})`)
const stop = (): void => void emulator.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
