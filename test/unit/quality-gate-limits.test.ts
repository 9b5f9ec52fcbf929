// A row change is no share of a whole: rows may grow threefold, so `max-row-change` may be over 100%, while a share
// of mismatched or missing values may not. A share too long to be a number is an error, never an endless limit.
import { describe, expect, it } from 'vitest'
import { GateError, parseQualityGate } from '../../src/quality/gate.ts'
import { exceeds } from '../../src/quality/verdict.ts'

describe('limits of the quality gate', () => {
  it('max-row-change: 300% is a limit: tripled rows pass it, quadrupled ones break it', () => {
    const limit = parseQualityGate('max-row-change: 300%')!.maxRowChange!
    expect(limit).toEqual({ kind: 'share', percent: 300, text: '300%' })
    expect(exceeds(2000, 1000, limit)).toBe(false)
    expect(exceeds(3000, 1000, limit)).toBe(false)
    expect(exceeds(3001, 1000, limit)).toBe(true)
  })

  it('a share of values stays at most 100%', () => {
    expect(() => parseQualityGate('missing: 101%')).toThrow("'missing' is a share over 100%")
    expect(() => parseQualityGate('columns: {email: {mismatched: 200%}}')).toThrow('a share over 100%')
  })

  it('a share of 400 digits is no limit', () => {
    const huge = `1${'0'.repeat(400)}%`
    expect(() => parseQualityGate(`max-row-change: "${huge}"`)).toThrow(GateError)
    expect(() => parseQualityGate(`max-row-change: "${huge}"`)).toThrow('no finite share')
  })
})

describe('a gate in JSON', () => {
  it('naming a check twice is refused, as in YAML, not read as the last one', () => {
    expect(() => parseQualityGate('{"missing": "5%", "missing": "50%"}')).toThrow('names a key twice')
    expect(() => parseQualityGate('{"columns": {"email": {"missing": 0}, "email": {"missing": 9}}}')).toThrow(
      'names a key twice'
    )
    expect(parseQualityGate('{"missing": "5%", "mismatched": "1%"}')!.missing!.text).toBe('5%')
  })
})
