// Server text is cut to size before it is printed; a secret that the cut splits in two must not leave its first
// part in the log, the annotations or the summary (the redaction matches whole secrets only, so it has to run
// before the cut). The server here echoes the token, as a hostile or careless one may, in its error messages.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import type { ActionResult } from '../../support/run-action.ts'

/** The token over and over: wherever a cut falls, it splits one unless it falls exactly between two. */
const ECHO = Array.from({ length: 60 }, () => API_TOKEN).join('-')
const failing = (path: string | RegExp, method: string): Fault => ({
  method,
  path,
  times: Infinity,
  action: { kind: 'status', status: 500, body: { exception: { name: 'Boom', message: ECHO, details: ECHO } } }
})

/** No piece of the token of 8 characters or more anywhere the step wrote (add-mask lines aside). */
function expectNoPieceOfToken(result: ActionResult): void {
  const text = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)]
    .join('\n')
    .replace(/^::add-mask::.*$/gm, '')
  for (let length = 8; length <= API_TOKEN.length; length++) {
    expect(text, `the first ${length} characters of the token`).not.toContain(API_TOKEN.slice(0, length))
  }
}

describe('a secret split by a cut is still redacted', () => {
  it('in the line that says the past runs could not be read', async () => {
    const e = await emulator({ faults: [failing('/v4/jobLibrary', 'GET')] })
    const result = await run(inputsFor(e))

    expect(result.stdout).toMatch(/The past runs of recipe 7 could not be read/)
    expectNoPieceOfToken(result)
  })

  it('in the error of a start the server refused', async () => {
    const refused: Fault = {
      ...failing('/v4/jobGroups', 'POST'),
      action: { kind: 'status', status: 400, body: { exception: { name: 'Bad', message: ECHO, details: ECHO } } }
    }
    const e = await emulator({ faults: [refused] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expectNoPieceOfToken(result)
  })
})
