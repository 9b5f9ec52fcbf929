// The action end to end: dist/index.js run as the runner runs it, against the emulator over real HTTP.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run, warnings } from '../support/e2e.ts'
import { API_TOKEN, WRONG_API_TOKEN } from '../support/fake-tokens.ts'

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

describe('a Complete run', () => {
  it('sends the exact request body, sets the outputs and writes the summary (key=value run parameters)', async () => {
    const e = await emulator({ scenario: { durationMs: 3000, statuses: ['Created', 'Pending', 'InProgress'] } })
    const overrides = {
      execution: 'photon',
      profiler: true,
      writesettings: [{ path: 's3://bucket/out.csv', action: 'overwrite', format: 'csv' }]
    }
    const result = await run(
      inputsFor(e, {
        overrides: JSON.stringify(overrides),
        'run-parameters': '# the country\ncountry=Germany\n\nfilter=a=b'
      })
    )

    expect(result.code).toBe(0)
    const [trigger, ...others] = e.requestsTo('POST', '/v4/jobGroups')
    expect(others).toHaveLength(0)
    expect(trigger!.json).toEqual({
      wrangledDataset: { id: 7 },
      overrides,
      runParameters: {
        overrides: {
          data: [
            { key: 'country', value: 'Germany' },
            { key: 'filter', value: 'a=b' }
          ]
        }
      }
    })
    expect(trigger!.headers['content-type']).toBe('application/json')
    expect(trigger!.headers.accept).toBe('application/json')
    expect(trigger!.headers.authorization).toBe(`Bearer ${API_TOKEN}`)
    expect(trigger!.headers['user-agent'], "package.json's version").toBe(`trifacta-run-job-action/${PACKAGE_VERSION}`)

    expect(result.outputs['job-id']).toBe('4100')
    expect(result.outputs.status).toBe('Complete')
    expect(result.outputs['request-id']).toBe(trigger!.requestId)
    expect(result.outputs['job-url']).toBe(`${e.url}/jobs/4100`)
    expect(JSON.parse(result.outputs.jobs!)).toEqual([
      { id: expect.any(Number), type: 'wrangle', status: 'Complete' },
      { id: expect.any(Number), type: 'filewriter', status: 'Complete' }
    ])
    expect(e.requestsTo('GET', '/v4/jobGroups/4100/status').length).toBeGreaterThan(0)

    expect(result.summary).toContain('Job 4100 ✅ completed')
    expect(result.summary).toContain(`<a href="${e.url}/jobs/4100">4100</a>`)
    expect(result.summary).toContain('<tr><th align="left">Recipe</th><td>7</td></tr>')
    expect(result.summary).toContain(trigger!.requestId!)
    expect(result.summary).toMatch(/<td>wrangle<\/td><td>Complete<\/td>/)
    expect(result.stdout).toMatch(/Job 4100: Pending after \d/)
    expect(result.stdout).toMatch(/Job 4100: Complete after \d/)
  })

  it('sends run parameters given as a JSON object in their order', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'run-parameters': '{"region": "EMEA", "country": "France"}' }))
    expect(result.code).toBe(0)
    expect(e.requestsTo('POST', '/v4/jobGroups')[0]!.json).toEqual({
      wrangledDataset: { id: 7 },
      runParameters: {
        overrides: {
          data: [
            { key: 'region', value: 'EMEA' },
            { key: 'country', value: 'France' }
          ]
        }
      }
    })
  })

  it('passes unknown override keys on with a warning naming them', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { overrides: '{"outputTag": "nightly"}' }))
    expect(result.code).toBe(0)
    expect(warnings(result).join('\n')).toContain("unknown key 'outputTag'")
    expect(e.requestsTo('POST', '/v4/jobGroups')[0]!.json).toEqual({
      wrangledDataset: { id: 7 },
      overrides: { outputTag: 'nightly' }
    })
  })

  it('refuses an override key that resembles a known one, naming it; nothing is sent', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { overrides: '{"writeSetting": [{"path": "gs://scratch/pr.csv"}]}' }))
    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    expect(errors(result).join('\n')).toMatch(
      /^::error title=Invalid input%3A overrides::Input 'overrides': unknown key 'writeSetting' \(did you mean/m
    )
    expect(errors(result).join('\n')).toContain("(did you mean 'writeSettings'?)")
    expect(result.summary).toContain('Invalid input: nothing was sent')
  })
})

describe('a Failed run', () => {
  it('fails the step, naming the job and its status, when fail-on-job-failure is true', async () => {
    const e = await emulator({
      scenario: {
        durationMs: 1200,
        finalStatus: 'Failed',
        stages: [{ jobType: 'wrangle', errorMessage: 'Column "x" not found' }, { jobType: 'filewriter' }]
      }
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Failed')
    expect(result.outputs['job-id']).toBe('4100')
    const [error] = errors(result)
    expect(error).toContain('Job 4100 ended Failed')
    expect(error).toContain('Column "x" not found')
    expect(result.summary).toContain('Job 4100 ❌ failed')
  })

  it('passes with a warning when fail-on-job-failure is false', async () => {
    const e = await emulator({ scenario: { durationMs: 1200, finalStatus: 'Failed' } })
    const result = await run(inputsFor(e, { 'fail-on-job-failure': 'false' }))
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Failed')
    expect(errors(result)).toEqual([])
    expect(warnings(result).join('\n')).toContain('fail-on-job-failure is false')
  })
})

describe('wait: false', () => {
  it('succeeds right after the trigger with the status read once, and never cancels', async () => {
    const e = await emulator({ scenario: { durationMs: 10_000 } })
    const result = await run(inputsFor(e, { wait: 'false' }))
    expect(result.code).toBe(0)
    expect(result.outputs['job-id']).toBe('4100')
    expect(result.outputs.status).toBe('Created')
    expect(e.requestsTo('GET', '/v4/jobGroups/4100/status')).toHaveLength(1)
    expect(e.requestsTo('POST', /cancel$/)).toHaveLength(0)
    expect(result.summary).toContain('not waited for')
    expect(result.state.settled).toBe('true')
  })
})

describe('a wait that times out', () => {
  it('fails naming the timeout and the last status', async () => {
    const e = await emulator({ scenario: { durationMs: 60_000, statuses: ['InProgress'] } })
    const result = await run(inputsFor(e, { timeout: '3s', 'cancel-on-timeout': 'false' }))
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('InProgress')
    const [error] = errors(result)
    expect(error).toContain('did not finish within the timeout of 3s (last status InProgress)')
    expect(error).toContain('keeps running')
    expect(result.summary).toContain('timed out')
    expect(result.durationMs).toBeLessThan(8000)
  })
})

describe('HTTP errors', () => {
  it('an unknown recipe (404) fails with the status, the server words, the request id and a hint', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'recipe-id': '999' }))
    expect(result.code).toBe(1)
    const [trigger] = e.requestsTo('POST', '/v4/jobGroups')
    const [error] = errors(result)
    expect(error).toContain('POST /v4/jobGroups answered HTTP 404 Not Found')
    expect(error).toContain(`Request id: ${trigger!.requestId}`)
    expect(error).toContain('Recipe 999 was not found: check recipe-id')
    expect(result.outputs['job-id']).toBe('')
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(1)
  })

  it('a bad token (401) fails with the status, the request id and the fix, without retrying', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'api-token': WRONG_API_TOKEN }))
    expect(result.code).toBe(1)
    const [error] = errors(result)
    expect(error).toContain('answered HTTP 401 Unauthorized')
    expect(error).toContain('invalid or expired')
    expect(error).toContain(`Request id: ${e.requests[0]!.requestId}`)
    expect(e.requests).toHaveLength(1)
  })
})

describe('bad inputs send no request', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['recipe-id', { 'recipe-id': 'abc' }, "Input 'recipe-id': must be a positive integer"],
    ['recipe-id', { 'recipe-id': '0' }, "Input 'recipe-id': must be a positive integer"],
    ['recipe-id', { 'recipe-id': '-4' }, "Input 'recipe-id': must be a positive integer"],
    ['recipe-id', { 'recipe-id': '' }, "Input 'recipe-id': is required"],
    ['overrides', { overrides: '{not json' }, "Input 'overrides': is not valid JSON"],
    ['overrides', { overrides: '[1, 2]' }, "Input 'overrides': must be a mapping"],
    ['overrides', { overrides: '{"execution": 5}' }, "'execution' must be a string"],
    ['overrides', { overrides: '{"profiler": "no"}' }, "'profiler' must be true or false"],
    ['overrides', { overrides: '{"writesettings": {"path": "x"}}' }, "'writesettings' must be an array of objects"],
    ['overrides', { overrides: '{"writeSettings": ["x"]}' }, "'writeSettings' must be an array of objects"],
    ['overrides', { overrides: '{"publications": {}}' }, "'publications' must be an array of objects"],
    [
      'overrides',
      { overrides: '{"writesettings": [{"action": "replace"}]}' },
      'action must be one of create, append, overwrite'
    ],
    ['run-parameters', { 'run-parameters': 'country' }, "line 1 has no '='"],
    ['run-parameters', { 'run-parameters': '=Germany' }, 'line 1 has an empty key'],
    ['run-parameters', { 'run-parameters': '{"n": 1}' }, "value of 'n' must be a string"],
    ['run-parameters', { 'run-parameters': '["a"]' }, 'must be a JSON object of strings'],
    ['api-url', { 'api-url': 'not a url' }, "Input 'api-url': 'not a url' is not a URL"],
    ['api-url', { 'api-url': 'ftp://127.0.0.1' }, 'must be an https URL'],
    ['api-url', { 'api-url': 'http://api.example.com' }, 'plain http is only allowed for loopback hosts'],
    ['api-token', { 'api-token': '' }, "Input 'api-token': is empty"],
    ['timeout', { timeout: 'forever' }, "Input 'timeout': must be a positive duration"],
    ['timeout', { timeout: '0' }, "Input 'timeout': must be a positive duration"],
    ['poll-interval', { 'poll-interval': '-1s' }, "Input 'poll-interval': must be a positive duration"],
    ['max-poll-interval', { 'max-poll-interval': 'soon' }, "Input 'max-poll-interval': must be a positive duration"],
    [
      'poll-interval',
      { 'poll-interval': '2m', 'max-poll-interval': '1m' },
      'must not be larger than max-poll-interval'
    ],
    ['wait', { wait: 'yes' }, "Input 'wait': must be true or false"],
    ['fail-on-job-failure', { 'fail-on-job-failure': '1' }, "Input 'fail-on-job-failure': must be true or false"]
  ]
  it.each(cases)('%s: %j', async (_input, bad, message) => {
    const e = await emulator()
    const result = await run({ ...inputsFor(e), ...bad })
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain(message)
    expect(result.stdout).toContain('invalid; nothing was sent')
    expect(e.requests).toHaveLength(0)
  })
})
