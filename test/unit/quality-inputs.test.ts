// The quality-gate and baseline inputs in the Config, and what a gate asks of the run's overrides.
import { describe, expect, it } from 'vitest'
import { inputParser } from '../support/parse-inputs.ts'

const { parse, errorsOf } = inputParser({ 'api-url': 'https://api.clouddataprep.com', 'api-token': 'tok-12345' })
const messages = (inputs: Record<string, string>): string[] => errorsOf(inputs).map((e) => e.message)

describe('quality-gate and baseline', () => {
  it('a gate with recipe-id turns profiling on, keeping the other overrides', () => {
    const config = parse({ 'recipe-id': '7', 'quality-gate': 'rules: pass', overrides: 'execution: spark' })
    expect(config.qualityGate).toMatchObject({ rules: true })
    expect(config.overrides).toEqual({ execution: 'spark', profiler: true })
    expect(parse({ 'recipe-id': '7', 'quality-gate': 'rules: pass' }).overrides).toEqual({ profiler: true })
    // Without a gate nothing is added.
    expect(parse({ 'recipe-id': '7', baseline: 'last' })).toMatchObject({
      overrides: undefined,
      baseline: { kind: 'last' }
    })
  })

  it('profiler: false with a gate, a bad gate and a bad baseline are input errors, all reported', () => {
    expect(
      messages({ 'recipe-id': '7', 'quality-gate': 'rules: maybe', overrides: '{"profiler": false}', baseline: 'prod' })
    ).toEqual([
      "Input 'quality-gate': 'rules' can only be 'pass' (every data-quality rule passes; got 'maybe').",
      "Input 'baseline': must be 'scheduled' (the last scheduled run of the recipe), 'last' (the last completed one) " +
        "or a job group id (got 'prod')."
    ])
    expect(messages({ 'recipe-id': '7', 'quality-gate': 'rules: pass', overrides: '{"profiler": false}' })).toEqual([
      "Input 'overrides': 'profiler' is false, but quality-gate needs a profile: remove it or set it to true."
    ])
  })

  it('a gate needs the step to wait for the run', () => {
    expect(messages({ 'recipe-id': '7', 'quality-gate': 'rules: pass', wait: 'false' })).toEqual([
      "Input 'quality-gate': needs wait: true: the data is checked once the run has completed."
    ])
  })

  it('max-row-change needs a baseline; a job group id as baseline needs one job group', () => {
    expect(messages({ 'recipe-id': '7', 'quality-gate': 'max-row-change: 10%' })).toEqual([
      "Input 'quality-gate': 'max-row-change' needs a baseline: give baseline: scheduled, last or a job group id."
    ])
    expect(messages({ 'flow-id': '10', baseline: '4090' })).toEqual([
      "Input 'baseline': a job group id compares one job group; a flow or plan runs several: use scheduled or last."
    ])
  })

  it('with flow-id: a per-output profiler: false is an error; without any profiler: true, a warning', () => {
    expect(
      messages({ 'flow-id': '10', 'quality-gate': 'rules: pass', overrides: '{"Sales": {"profiler": false}}' })
    ).toEqual([
      "Input 'overrides': 'Sales.profiler' is false, but quality-gate needs a profile: remove it or set it to true."
    ])
    const warned = parse({ 'flow-id': '10', 'quality-gate': 'rules: pass', overrides: '{"execution": "spark"}' })
    expect(warned.warnings.join('\n')).toContain('with flow-id the action cannot turn profiling on for you')
    const quiet = parse({ 'flow-id': '10', 'quality-gate': 'rules: pass', overrides: '{"Sales": {"profiler": true}}' })
    expect(quiet.warnings).toEqual([])
    expect(quiet.overrides).toEqual({ Sales: { profiler: true } })
  })

  it('with job-id the run is not changed; the gate is kept', () => {
    const config = parse({ 'job-id': '4100', 'quality-gate': 'min-rows: 1', baseline: 'scheduled' })
    expect(config).toMatchObject({ overrides: undefined, qualityGate: { minRows: 1 }, baseline: { kind: 'scheduled' } })
  })
})
