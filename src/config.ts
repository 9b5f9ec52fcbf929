/** The step's configuration: secrets masked first, then every input parsed once; invalid inputs fail the step. */
import * as core from '@actions/core'
import { InputErrors, parseInputs, type Config } from './inputs.ts'
import { log } from './log.ts'
import { registerSecret } from './secrets.ts'
import { SECRET_INPUTS } from './sign-in-inputs.ts'

/** The parsed inputs, or undefined (the step failed, nothing sent) when any is invalid. `quiet`: no annotations. */
export function readConfig(options: { quiet?: boolean } = {}): Config | undefined {
  for (const name of SECRET_INPUTS) {
    const value = core.getInput(name)
    registerSecret(value)
    registerSecret(value.trim().replace(/^bearer\s+/i, ''))
  }
  try {
    const config = parseInputs((name) => core.getInput(name))
    if (!options.quiet) for (const warning of config.warnings) log.warning(warning, { title: 'Input warning' })
    return config
  } catch (error) {
    if (!(error instanceof InputErrors)) throw error
    if (options.quiet) return undefined
    for (const e of error.errors) log.error(e.message, { title: `Invalid input: ${e.input}` })
    const count = error.errors.length === 1 ? 'An input is' : `${error.errors.length} inputs are`
    core.setFailed(`${count} invalid; nothing was sent.`)
    return undefined
  }
}
