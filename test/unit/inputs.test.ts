import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deriveAppUrl, InputError, parseDuration } from '../../src/inputs/input-values.ts'
import { InputErrors } from '../../src/inputs/inputs.ts'
import { parseOverrides } from '../../src/inputs/overrides.ts'
import { parseRunParameters } from '../../src/inputs/run-parameters.ts'
import { API_TOKEN } from '../support/fake-tokens.ts'
import { inputParser } from '../support/parse-inputs.ts'
import { actionDefaults } from '../support/run-action.ts'

/** What the runner passes: action.yml's defaults plus the required inputs. */
const DEFAULTS: Record<string, string> = {
  ...actionDefaults(),
  'api-url': 'https://api.clouddataprep.com',
  'api-token': API_TOKEN,
  'recipe-id': '7'
}
const { parse, errorsOf } = inputParser(DEFAULTS)

describe('parseInputs', () => {
  it('parses the defaults into one typed object', () => {
    const config = parse({})
    expect(config).toMatchObject({
      apiUrl: 'https://api.clouddataprep.com',
      apiToken: API_TOKEN,
      target: { kind: 'recipe', recipeId: 7 },
      runParameters: [],
      wait: true,
      timeoutMs: 6 * 3600_000,
      pollIntervalMs: 2000,
      maxPollIntervalMs: 60_000,
      requestTimeoutMs: 30_000,
      failOnJobFailure: true,
      appUrl: 'https://clouddataprep.com',
      commentOnPr: false
    })
    expect(config.overrides).toBeUndefined()
  })

  it.each([
    ['', 'is required'],
    ['abc', 'positive integer'],
    ['0', 'positive integer'],
    ['-3', 'positive integer'],
    ['1.5', 'positive integer'],
    ['99999999999999999999', 'positive integer']
  ])('rejects recipe-id %j, naming the input', (value, text) => {
    const [error] = errorsOf({ 'recipe-id': value })
    expect(error!.input).toBe('recipe-id')
    expect(error!.message).toContain(text)
  })

  it('takes job-id instead of recipe-id, but not both, and not with overrides or run-parameters', () => {
    expect(parse({ 'recipe-id': '', 'job-id': '4100' }).target).toEqual({ kind: 'job', jobId: 4100 })
    expect(errorsOf({ 'job-id': '4100' })[0]!.message).toContain(
      'give exactly one of recipe-id, flow-id, plan-id, job-id (got recipe-id, job-id)'
    )
    const errors = errorsOf({ 'recipe-id': '', 'job-id': '4100', overrides: '{}', 'run-parameters': 'a=b' })
    expect(errors.map((e) => e.input)).toEqual(['overrides', 'run-parameters'])
  })

  it.each([
    ['not a url', 'is not a URL'],
    ['ftp://example.com', 'https URL'],
    ['http://api.example.com', 'plain http is only allowed for loopback'],
    ['https://user:pw@example.com', 'credentials'],
    ['https://example.com/?a=1', 'query']
  ])('rejects api-url %j', (value, text) => {
    const [error] = errorsOf({ 'api-url': value })
    expect(error!.input).toBe('api-url')
    expect(error!.message).toContain(text)
  })

  it.each([
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://api.example.com/v4', 'https://api.example.com'],
    ['https://api.example.com/v4/', 'https://api.example.com'],
    ['https://example.com/trifacta', 'https://example.com/trifacta'],
    ['http://127.0.0.1:3005', 'http://127.0.0.1:3005'],
    ['http://localhost:3005/', 'http://localhost:3005'],
    ['http://[::1]:3005', 'http://[::1]:3005']
  ])('normalises api-url %j to %j', (value, expected) => {
    expect(parse({ 'api-url': value }).apiUrl).toBe(expected)
  })

  it('derives app-url from api-url for the cloud products, else uses api-url', () => {
    expect(deriveAppUrl('https://api.clouddataprep.com')).toBe('https://clouddataprep.com')
    expect(deriveAppUrl('https://api.us1.alteryxcloud.com')).toBe('https://us1.alteryxcloud.com')
    expect(deriveAppUrl('https://trifacta.example.com:3005')).toBe('https://trifacta.example.com:3005')
    expect(parse({ 'app-url': 'https://app.example.com/' }).appUrl).toBe('https://app.example.com')
  })

  it('rejects an empty token or one with white space, and strips a pasted Bearer prefix with a warning', () => {
    expect(errorsOf({ 'api-token': '  ' })[0]!.input).toBe('api-token')
    expect(errorsOf({ 'api-token': 'ab cd' })[0]!.message).toContain('white space')
    const config = parse({ 'api-token': 'Bearer tok-abcdef' })
    expect(config.apiToken).toBe('tok-abcdef')
    expect(config.warnings.join()).toContain("starts with 'Bearer '")
  })

  it.each(['wait', 'fail-on-job-failure', 'cancel-on-timeout', 'cancel-on-workflow-cancel', 'comment-on-pr'])(
    'rejects a non-boolean %s',
    (name) => {
      const [error] = errorsOf({ [name]: 'yes' })
      expect(error!.input).toBe(name)
      expect(error!.message).toContain("must be true or false (got 'yes')")
    }
  )

  it.each(['timeout', 'poll-interval', 'max-poll-interval', 'request-timeout'])(
    'rejects a %s that is not a positive duration',
    (name) => {
      for (const bad of ['0', '-5', 'soon', '10 minutes', '0s']) {
        const errors = errorsOf({ [name]: bad })
        expect(errors.map((e) => e.input)).toContain(name)
      }
    }
  )

  it('rejects poll-interval below 1s or above max-poll-interval', () => {
    expect(errorsOf({ 'poll-interval': '500ms' })[0]!.message).toContain('at least 1s')
    expect(errorsOf({ 'poll-interval': '2m', 'max-poll-interval': '1m' })[0]!.message).toContain(
      'must not be larger than max-poll-interval'
    )
  })

  it('reports every bad input at once', () => {
    const errors = errorsOf({ 'recipe-id': 'x', wait: 'maybe', timeout: 'never', overrides: '[1]' })
    expect(errors.map((e) => e.input).sort()).toEqual(['overrides', 'recipe-id', 'timeout', 'wait'])
  })
})

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['500ms', 500],
    [' 2H ', 7_200_000]
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms)
  })

  it('property: a positive whole number of a unit is that many units', () => {
    const units = { s: 1000, m: 60_000, h: 3_600_000 } as const
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 168 }), fc.constantFrom('s', 'm', 'h', ''), (n, unit) => {
        const factor = unit === '' ? 1000 : units[unit]
        expect(parseDuration('timeout', `${n}${unit}`)).toBe(n * factor)
      })
    )
  })

  it('property: any string is a positive duration or an InputError naming the input, never a crash', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          expect(parseDuration('timeout', text)).toBeGreaterThan(0)
        } catch (e) {
          expect(e).toBeInstanceOf(InputError)
          expect((e as InputError).input).toBe('timeout')
        }
      })
    )
  })
})

describe('parseRunParameters', () => {
  it('reads key=value lines, skipping blanks and comments, keeping = in values, in order', () => {
    const text = '# comment\ncountry=Germany\n\n  date = 2024-01-01 \nfilter=a=b==c\n'
    expect(parseRunParameters(text)).toEqual([
      { key: 'country', value: 'Germany' },
      { key: 'date', value: '2024-01-01' },
      { key: 'filter', value: 'a=b==c' }
    ])
  })

  it('reads a JSON object of strings in its order', () => {
    expect(parseRunParameters('{"b": "2", "a": "x=y"}')).toEqual([
      { key: 'b', value: '2' },
      { key: 'a', value: 'x=y' }
    ])
  })

  it.each([
    ['country', "line 1 has no '='"],
    ['a=1\n=2', 'line 2 has an empty key'],
    ['a=1\na=2', "key 'a' is given twice"],
    ['{"a": 1}', "value of 'a' must be a string"],
    ['{"a": "1"', 'is not valid JSON'],
    ['{}x', 'is not valid JSON']
  ])('rejects %j', (text, message) => {
    expect(() => parseRunParameters(text)).toThrow(message)
  })

  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/)
  const value = fc.stringMatching(/^[^\r\n]*$/).map((v) => v.trim())

  it('property: key=value lines round-trip', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}=${v}`).join('\n')
        expect(parseRunParameters(text)).toEqual(pairs.map(([k, v]) => ({ key: k, value: v })))
      })
    )
  })

  it('property: a JSON object of strings round-trips', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.string()), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        const text = JSON.stringify(Object.fromEntries(pairs))
        expect(parseRunParameters(text)).toEqual(pairs.map(([k, v]) => ({ key: k, value: v })))
      })
    )
  })

  it('property: any text gives parameters or an InputError for run-parameters, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          expect(Array.isArray(parseRunParameters(text))).toBe(true)
        } catch (e) {
          expect(e).toBeInstanceOf(InputError)
          expect((e as InputError).input).toBe('run-parameters')
        }
      })
    )
  })
})

describe('parseOverrides', () => {
  it('passes a valid object through unchanged', () => {
    const overrides = {
      execution: 'photon',
      profiler: true,
      writesettings: [{ path: 's3://b/out.csv', action: 'create', format: 'csv', compression: 'none' }],
      publications: [{ path: ['db'], tableName: 't', targetType: 'bigquery', action: 'createAndLoad' }]
    }
    const warnings: string[] = []
    expect(parseOverrides(JSON.stringify(overrides), warnings)).toEqual(overrides)
    expect(warnings).toEqual([])
  })

  it.each([
    ['nope', 'must be a mapping'],
    ['{nope', 'is not valid JSON'],
    ['execution: [photon', 'is not valid YAML'],
    ['[]', 'must be a mapping'],
    ['null', 'must be a mapping'],
    ['{"execution": 1}', "'execution' must be a string"],
    ['{"profiler": "yes"}', "'profiler' must be true or false"],
    ['{"writesettings": {}}', "'writesettings' must be an array of objects"],
    ['{"writeSettings": [1]}', "'writeSettings' must be an array of objects"],
    ['{"publications": "t"}', "'publications' must be an array of objects"],
    ['{"writesettings": [{"action": "replace"}]}', 'action must be one of create, append, overwrite']
  ])('rejects %s', (text, message) => {
    expect(() => parseOverrides(text)).toThrow(message)
  })

  it('passes unknown keys on with a warning that suggests the known one (a near miss is an error)', () => {
    const warnings: string[] = []
    expect(parseOverrides('{"profilerOff": [], "custom": 1}', warnings)).toEqual({ profilerOff: [], custom: 1 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("2 unknown keys 'profilerOff' (did you mean 'profiler'?), 'custom'")
  })

  it('names at most 10 unknown keys, in one line', () => {
    const warnings: string[] = []
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))
    parseOverrides(JSON.stringify(many), warnings)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^overrides: 500 unknown keys 'k0', .*'k9' and 490 more passed on as given\.$/)
  })

  it('reads YAML as written in a workflow file, and says which it tried and where it failed', () => {
    const yaml = 'execution: photon\nprofiler: false\nwritesettings:\n  - path: s3://b/out.csv\n    action: overwrite\n'
    expect(parseOverrides(yaml)).toEqual({
      execution: 'photon',
      profiler: false,
      writesettings: [{ path: 's3://b/out.csv', action: 'overwrite' }]
    })
    expect(() => parseOverrides('execution: photon\nprofiler: [\n')).toThrow(/is not valid YAML .* at line \d/)
    expect(() => parseOverrides('{"execution": "photon",\n "profiler": [}')).toThrow(
      /is not valid JSON .* nor YAML .* at line 2/
    )
  })

  it('refuses nesting deeper than 64 levels with an input error, also 10,000 levels deep', () => {
    const deep = (n: number): string => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`
    expect(parseOverrides(deep(60))).toBeTypeOf('object')
    expect(() => parseOverrides(deep(70))).toThrow('nested deeper than 64 levels')
    expect(() => parseOverrides(deep(10_000))).toThrow(InputError)
  })

  it('property: any string gives an object or an InputError for overrides, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          expect(typeof parseOverrides(text)).toBe('object')
        } catch (e) {
          expect(e).toBeInstanceOf(InputError)
          expect((e as InputError).input).toBe('overrides')
        }
      })
    )
  })
})

describe('parseInputs, property', () => {
  const names = Object.keys(DEFAULTS).concat(['job-id', 'overrides', 'run-parameters', 'app-url'])
  it('any input strings give a valid configuration or InputErrors naming inputs, never a crash', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...names),
          fc.oneof(fc.string(), fc.json(), fc.constantFrom('true', '0', '5s', '{}'))
        ),
        (inputs) => {
          try {
            const config = parse(inputs)
            expect(config.timeoutMs).toBeGreaterThan(0)
            expect(config.pollIntervalMs).toBeLessThanOrEqual(config.maxPollIntervalMs)
          } catch (e) {
            expect(e).toBeInstanceOf(InputErrors)
            for (const error of (e as InputErrors).errors) expect(names).toContain(error.input)
          }
        }
      )
    )
  })
})
