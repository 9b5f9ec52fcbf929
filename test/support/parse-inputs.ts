// Unit tests parse inputs as the runner hands them over: action.yml's defaults, a base set, and the test's own.
import type { InputError } from '../../src/inputs/input-values.ts'
import { InputErrors, parseInputs, type Config } from '../../src/inputs/inputs.ts'
import { loadYamlFor } from '../../src/inputs/overrides.ts'
import { actionDefaults } from './run-action.ts'

// The step loads the YAML parser only for an `overrides` that needs it; the unit tests parse YAML throughout.
await loadYamlFor('yaml: true')

export interface InputParser {
  parse(inputs: Record<string, string>): Config
  /** The input errors the inputs give; throws when they give none. */
  errorsOf(inputs: Record<string, string>): InputError[]
}

export function inputParser(base: Record<string, string>): InputParser {
  const parse = (inputs: Record<string, string>): Config => {
    const all = { ...actionDefaults(), ...base, ...inputs }
    return parseInputs((name) => all[name] ?? '')
  }
  const errorsOf = (inputs: Record<string, string>): InputError[] => {
    try {
      parse(inputs)
    } catch (e) {
      if (e instanceof InputErrors) return e.errors
      throw e
    }
    throw new Error('expected input errors')
  }
  return { parse, errorsOf }
}
