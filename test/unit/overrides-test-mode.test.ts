// testMode is a top-level field of POST /v4/jobGroups (REAL-API-SHAPES.md, S1). Inside overrides the server may
// ignore it and run the job for real, so a user who writes it there, thinking the run is a test, is stopped
// before anything is sent and pointed to dry-run.
import { describe, expect, it } from 'vitest'
import { parseFlowOverrides } from '../../src/inputs/flow-inputs.ts'
import { parseOverrides } from '../../src/inputs/overrides.ts'

describe('testMode inside overrides', () => {
  it('is an input error that points to dry-run', () => {
    expect(() => parseOverrides('{"testMode": true}')).toThrow(/'testMode' is not an override.*dry-run: true/)
    expect(() => parseOverrides('{"testMode": false}')).toThrow(/'testMode' is not an override/)
  })

  it("is an error in a flow output's overrides too, named with the output", () => {
    expect(() => parseFlowOverrides('{"Sales": {"testMode": true}}', [])).toThrow(/'Sales\.testMode' is not an/)
  })

  it('leaves other overrides alone', () => {
    expect(parseOverrides('{"profiler": true, "execution": "photon"}')).toEqual({ profiler: true, execution: 'photon' })
  })
})
