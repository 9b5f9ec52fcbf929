// `npm run emulator [port]`: serve the API emulator on 127.0.0.1 until stopped, for trying the action by hand or
// from a workflow (`uses: ./` in CI). Run through npm so that the Node 24 of node_modules/.bin strips the types;
// a system Node 20 cannot run .ts files. Recipes 7, 42 and 1001 exist; jobs run for 5 s. Stop with Ctrl-C.
import { Emulator } from '../test/emulator/index.ts'

const DEFAULT_PORT = 8950
const USAGE = 'usage: npm run emulator [port]   (port 0 picks a free one; default 8950)'

function portFrom(arg: string | undefined): number {
  if (arg === undefined) return DEFAULT_PORT
  const port = Number(arg)
  if (!/^\d+$/.test(arg) || port > 65535) {
    console.error(`Not a port: ${arg}\n${USAGE}`)
    process.exit(2)
  }
  return port
}

const port = portFrom(process.argv[2])
let emulator: Emulator
try {
  emulator = await Emulator.start({ port, scenario: { durationMs: 5000, statuses: ['Created', 'InProgress'] } })
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  console.error(code === 'EADDRINUSE' ? `Port ${port} is in use; give another one.\n${USAGE}` : String(error))
  process.exit(1)
}
console.log(`Emulator listening on ${emulator.url} (token: ${emulator.token}; recipes 7, 42, 1001; jobs take 5 s)`)
const stop = (): void => void emulator.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
