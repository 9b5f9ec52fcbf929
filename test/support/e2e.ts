// Shared by the end-to-end tests: an emulator per test, the action's usual inputs, and a run of the built
// dist/index.js that also checks that no secret ever appears in what the action printed or wrote.
import { afterEach, expect } from 'vitest'
import { Emulator, type EmulatorOptions } from '../emulator/index.ts'
import { API_TOKEN, FAKE_SECRETS } from './fake-tokens.ts'
import { runAction, startAction, type ActionResult, type RunningAction, type RunOptions } from './run-action.ts'

const emulators: Emulator[] = []
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()))
})

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await Emulator.start({ token: API_TOKEN, ...options })
  emulators.push(e)
  return e
}

/** Inputs for a quick run against `e`: recipe 7, 1 s polls. */
export function inputsFor(e: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'api-url': e.url,
    'api-token': API_TOKEN,
    'recipe-id': '7',
    'poll-interval': '1s',
    'max-poll-interval': '2s',
    ...extra
  }
}

export async function run(inputs: Record<string, string>, options?: RunOptions): Promise<ActionResult> {
  const result = await runAction(inputs, options)
  expectNoSecretLeak(result)
  return result
}

export function start(inputs: Record<string, string>, options?: RunOptions): RunningAction {
  const running = startAction(inputs, options)
  return { ...running, result: running.result.then((r) => (expectNoSecretLeak(r), r)) }
}

/**
 * The secrets (default: every fake one of fake-tokens.ts) appear nowhere in stdout, stderr, outputs, summary or
 * state (also not in a value written over later), except in the runner's add-mask command.
 */
export function expectNoSecretLeak(result: ActionResult, secrets: readonly string[] = FAKE_SECRETS): void {
  const masked = (text: string): string => text.replace(/^::add-mask::.*$/gm, '')
  const places = {
    stdout: masked(result.stdout),
    stderr: masked(result.stderr),
    outputs: JSON.stringify(result.outputs),
    summary: result.summary,
    state: JSON.stringify(result.state),
    'output file': result.files.output,
    'state file': result.files.state
  }
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(places)) {
      expect(text.includes(secret), `${where} contains a secret`).toBe(false)
    }
  }
}

/** The `::error::` lines the action printed. */
export function errors(result: ActionResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::error'))
}

export function warnings(result: ActionResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::warning'))
}
