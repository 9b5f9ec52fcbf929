/** The step's configuration: secrets masked first, then every input parsed once; invalid inputs fail the step. */
import * as core from '@actions/core'
import { INPUT } from '../inputs/action-spec.ts'
import { InputErrors, parseInputs, type Config } from '../inputs/inputs.ts'
import { loadYamlFor } from '../inputs/overrides.ts'
import { log } from '../shared/log.ts'
import { registerSecret } from '../shared/secrets.ts'
import { SECRET_INPUTS } from '../inputs/sign-in-inputs.ts'
import { appendSummary, renderInputErrors } from '../report/summary.ts'
import { invalidInputResult } from '../report/result-invalid.ts'
import { openReportDir, publishResult } from './result-output.ts'

/**
 * The parsed inputs, or undefined (the step failed, nothing sent, the summary says why) when any is invalid.
 * `quiet` (the post step): no annotations, no summary.
 */
export async function readConfig(options: { quiet?: boolean } = {}): Promise<Config | undefined> {
  for (const name of SECRET_INPUTS) registerSecret(core.getInput(name))
  await loadYamlFor(core.getInput(INPUT.overrides))
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
    await appendSummary(renderInputErrors(error.errors))
    publishResult(invalidInputResult(error.errors), openReportDir())
    return undefined
  }
}
