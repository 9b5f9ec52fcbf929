// Logs are server text, and an archive is hostile input: oversized, a bomb, too many entries, names that leave the
// folder, lines that carry workflow commands and tokens, an answer that is no ZIP, a report folder that cannot be
// written. Each is bounded, said once as a warning, and never changes the step's result.
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JobScenario, LogArchiveSpec, StageSpec } from '../../emulator/index.ts'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import { emulator, inputsFor, run, warnings } from '../../support/e2e.ts'
import { expectNoSecretIn, filesUnder, forgedCommands, logGroups, runnerTemp } from './report-folder.ts'

const MIB = 1024 * 1024

function failing(logArchive: LogArchiveSpec, stage: Partial<StageSpec> = {}): JobScenario {
  return {
    durationMs: 1000,
    finalStatus: 'Failed',
    stages: [{ jobType: 'wrangle', errorMessage: 'Boom', ...stage }, { jobType: 'filewriter' }],
    logArchive
  }
}

/** The failed stage's tail as the log group printed it. */
function tail(result: Awaited<ReturnType<typeof run>>): string[] {
  return logGroups(result)
    .find((g) => g.title.startsWith('Job 4100 failed'))!
    .lines.filter((l) => l.startsWith('  | '))
}

describe('a hostile logs archive', () => {
  it('larger than 16 MiB: read up to the bound, said once, the stage tail still shown', async () => {
    const e = await emulator({ scenario: failing({ entries: [{ name: 'pad.bin', randomBytes: 20 * MIB }] }) })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(result.code).toBe(1)
    expect(warnings(result).filter((w) => w.includes('Logs of job 4100'))).toEqual([
      expect.stringContaining('The logs archive is larger than 16 MiB: only that much of it was read.'),
      expect.stringContaining('1 entries that are no logs by their names were not unpacked.')
    ])
    expect(tail(result).at(-1)).toMatch(/Job 41001 ended Failed$/)
    expect(JSON.parse(result.outputs.result!)).toMatchObject({
      status: 'Failed',
      jobGroups: [{ logs: { state: 'read' } }]
    })
  })

  it('a ZIP bomb stops at 64 MiB unpacked; the disk holds a few kB of it', async () => {
    const e = await emulator({ scenario: failing({ entries: [{ name: 'bomb/job.log', zeroBytes: 80 * MIB }] }) })
    const temp = runnerTemp()
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: temp }, timeoutMs: 30_000 })
    expect(result.code).toBe(1)
    expect(warnings(result).join('\n')).toContain('the archive unpacks to more than 64 MiB; the rest was not read')
    const files = filesUnder(result.outputs['report-dir']!)
    const bytes = Object.values(files).reduce((sum, text) => sum + text.length, 0)
    expect(bytes).toBeLessThan(64 * 1024)
    expect(tail(result).at(-1)).toMatch(/Job 41001 ended Failed$/)
  })

  it('more than 500 entries: the first 500 are read, the rest is not', async () => {
    const e = await emulator({ scenario: failing({ entries: [{ name: 'noise/x.log', text: 'x', repeat: 600 }] }) })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(warnings(result).join('\n')).toContain('the archive has more than 500 entries; the rest was not read')
    const files = Object.keys(filesUnder(result.outputs['report-dir']!)).filter((f) => f.startsWith('logs/job-group'))
    expect(files.filter((f) => !f.includes('.zip')).length).toBe(500)
  })

  it('entry names that leave the folder are not unpacked, anywhere; the other entries are', async () => {
    const names = ['../../escape.log', '/tmp/absolute-escape.log', '..\\..\\win-escape.log', 'C:/drive-escape.log']
    const e = await emulator({ scenario: failing({ entries: names.map((name) => ({ name, text: 'pwned' })) }) })
    const temp = runnerTemp()
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: temp } })
    expect(result.code).toBe(1)
    const dir = result.outputs['report-dir']!
    expect(readdirSync(temp)).toEqual([dir.slice(temp.length + 1)])
    expect(existsSync('/tmp/absolute-escape.log')).toBe(false)
    expect(Object.keys(filesUnder(dir)).filter((f) => f.includes('escape'))).toEqual([])
    const said = warnings(result).filter((w) => w.includes('was not unpacked'))
    expect(said).toHaveLength(4)
    expect(said[0]).toContain('Entry "../../escape.log" was not unpacked: a path that leaves the folder (..).')
    expect(tail(result).at(-1)).toMatch(/Job 41001 ended Failed$/)
  })

  it('log lines with workflow commands and the token: none forged, the token nowhere', async () => {
    const lines = [
      '2026-01-01 INFO start',
      '::error::FORGED from a log line',
      '  ::warning file=x::FORGED indented',
      '##[error]FORGED old style',
      `2026-01-01 ERROR Authorization: Bearer ${API_TOKEN} was refused`,
      `java.lang.IllegalStateException: token=${API_TOKEN}`,
      '::add-mask::nothing',
      '::stop-commands::pause'
    ]
    const e = await emulator({
      scenario: failing({ entries: [{ name: 'extra.log', text: lines.join('\n') }] }, { log: lines })
    })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(result.code).toBe(1)
    expect(forgedCommands(result)).toEqual([])
    expect(result.stdout).not.toMatch(/^\s*(::|##)[^\n]*(FORGED|stop-commands|add-mask::nothing)/m)
    // Behind the group's `  | ` the runner reads no command.
    expect(tail(result)).toContain('  | ::error::FORGED from a log line')
    expect(tail(result)).toContain('  | 2026-01-01 ERROR Authorization: Bearer *** was refused')
    expect(result.summary).toContain('Bearer &#42;&#42;&#42; was refused')
    expect(result.summary).not.toMatch(/^::/m)
    const files = filesUnder(result.outputs['report-dir']!)
    expect(files['logs/job-group-4100/41001/job.log']).toContain('token=***')
    expect(files['logs/job-group-4100.zip!extra.log']).toContain('token=***')
    expectNoSecretIn(files)
  })

  it('an answer that is no ZIP, or a refused logs call, is a warning; the result is unchanged', async () => {
    const junk = await emulator({
      scenario: failing({}),
      faults: [{ path: /\/logs$/, action: { kind: 'status', status: 200, raw: '<html>sign in</html>' } }]
    })
    const junkResult = await run(inputsFor(junk))
    expect(junkResult.code).toBe(1)
    expect(warnings(junkResult).join('\n')).toContain('the answer holds no files (it may not be a ZIP archive)')
    const refused = await emulator({
      scenario: failing({}),
      faults: [{ path: /\/logs$/, action: { kind: 'status', status: 400 } }]
    })
    const refusedResult = await run(inputsFor(refused))
    expect(refusedResult.code).toBe(1)
    expect(warnings(refusedResult).join('\n')).toMatch(
      /Could not read the logs of job 4100: GET \/v4\/jobGroups\/4100\/logs answered HTTP 400/
    )
    expect(JSON.parse(refusedResult.outputs.result!)).toMatchObject({
      status: 'Failed',
      jobGroups: [{ logs: { state: 'failed' } }]
    })
  })
})

describe('entry names that carry a secret or clash', () => {
  it('a token in an entry name is removed from file names; a clashing name is left out, the rest kept', async () => {
    const entries = [
      { name: `${API_TOKEN}/job.log`, text: 'named after a token' },
      { name: `notes-${API_TOKEN}.log`, text: 'also' },
      { name: 'clash', text: 'a file' },
      { name: 'clash/inner.log', text: 'cannot be under a file' },
      { name: 'after.log', text: 'still kept' }
    ]
    const e = await emulator({ scenario: failing({ entries }) })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(result.code).toBe(1)
    const files = filesUnder(result.outputs['report-dir']!)
    expect(Object.keys(files).filter((f) => f.includes(API_TOKEN))).toEqual([])
    expect(files['logs/job-group-4100/___/job.log']).toBe('named after a token\n')
    expect(files['logs/job-group-4100/notes-___.log']).toBe('also\n')
    expect(files['logs/job-group-4100/after.log']).toBe('still kept\n')
    expect(files['logs/job-group-4100.zip!clash/inner.log']).toBe('cannot be under a file\n')
    expect(warnings(result).join('\n')).toContain('Not every log could be written to the report folder')
    expectNoSecretIn(files)
  })

  it('100 MiB of junk with no length: 16 MiB are read, then the step says it holds no files', async () => {
    const e = await emulator({
      scenario: failing({}),
      faults: [{ path: /\/logs$/, action: { kind: 'huge', bytes: 100 * MIB, content: 'junk', declareLength: false } }]
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    const said = warnings(result).join('\n')
    expect(said).toContain('The logs archive is larger than 16 MiB: only that much of it was read.')
    expect(said).toContain('the answer holds no files (it may not be a ZIP archive)')
  })
})

describe('outputs and publications that cannot be read', () => {
  it('are warnings; the run still completes and the result says so', async () => {
    const e = await emulator({
      scenario: { durationMs: 1000 },
      faults: [
        { path: /\/outputs$/, action: { kind: 'status', status: 400 } },
        { path: /\/publications$/, action: { kind: 'status', status: 400 } }
      ]
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(0)
    const said = warnings(result).join('\n')
    expect(said).toContain('Could not read what job 4100 wrote (GET /v4/jobGroups/4100/outputs)')
    expect(said).toContain(
      'Could not read what job 4100 published: GET /v4/jobGroups/4100/publications answered HTTP 400'
    )
    expect(JSON.parse(result.outputs.result!)).toMatchObject({
      status: 'Complete',
      failed: false,
      jobGroups: [{ outputs: null }]
    })
  })
})

describe('a report folder that cannot be written', () => {
  it('is a warning: report-dir is empty, result still parses and names no folder, the logs still print', async () => {
    const temp = runnerTemp()
    const notAFolder = join(temp, 'file')
    writeFileSync(notAFolder, 'not a folder')
    const e = await emulator({ scenario: failing({}) })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: notAFolder } })
    expect(result.code).toBe(1)
    expect(warnings(result).join('\n')).toContain('Could not make the report folder (report-dir) under RUNNER_TEMP')
    expect(result.outputs['report-dir']).toBe('')
    expect(JSON.parse(result.outputs.result!)).toMatchObject({ status: 'Failed', reportDir: null })
    expect(tail(result).at(-1)).toMatch(/Job 41001 ended Failed$/)
  })
})
