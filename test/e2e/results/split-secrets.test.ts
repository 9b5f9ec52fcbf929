// A log is server text cut into lines by the server: a token split across two lines, or lines ended by a lone CR,
// must not bring a half of the token, or a workflow command at a line's start, into anything the step writes.
import { describe, expect, it } from 'vitest'
import type { JobScenario, LogArchiveSpec } from '../../emulator/index.ts'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'
import { expectNoSecretIn, filesUnder, forgedCommands, runnerTemp } from './report-folder.ts'

function failing(logArchive: LogArchiveSpec, log: string[]): JobScenario {
  return {
    durationMs: 1000,
    finalStatus: 'Failed',
    stages: [{ jobType: 'wrangle', errorMessage: 'Boom', log }, { jobType: 'filewriter' }],
    logArchive
  }
}

describe('log lines that cut a token or a line in unusual places', () => {
  it('a token split across two lines, and lines ended by a lone CR', async () => {
    const half = Math.floor(API_TOKEN.length / 2)
    const lines = [
      `ERROR Authorization: Bearer ${API_TOKEN.slice(0, half)}`,
      `${API_TOKEN.slice(half)} was refused`,
      'progress 10%\r::error::FORGED after a CR\r::add-mask::x',
      'line\u2028::warning::FORGED after a line separator'
    ]
    const e = await emulator({ scenario: failing({ entries: [{ name: 'x.log', text: lines.join('\n') }] }, lines) })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(result.code).toBe(1)
    expect(forgedCommands(result)).toEqual([])
    const everything = [
      result.stdout.replace(/^::add-mask::.*$/gm, ''),
      result.stderr,
      result.summary,
      JSON.stringify(result.outputs)
    ].join('\n')
    expect(everything.split(/\r\n|\r|\n/).filter((l) => /^\s*(::|##\[)/.test(l) && /FORGED/.test(l))).toEqual([])
    for (const part of [API_TOKEN.slice(0, half), API_TOKEN.slice(half)]) expect(everything).not.toContain(part)
    const files = filesUnder(result.outputs['report-dir']!)
    expectNoSecretIn(files)
    for (const [name, text] of Object.entries(files)) {
      if (name.endsWith('.log')) expect(text, name).not.toContain(API_TOKEN.slice(0, half))
    }
  })
})
