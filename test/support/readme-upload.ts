// README examples that keep the report folder: an actions/upload-artifact step "runs" in the README tests by
// checking what the real one would upload. It must be pinned to the SHA the project uses, run `if: always()` (so
// that a failed run's logs are kept too), and its `path` must name a folder the action wrote, holding result.json.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { asRecord } from './readme-examples.ts'

/** actions/upload-artifact v7.0.0 (TOOLCHAIN.md), pinned by its full SHA. */
export const UPLOAD_ARTIFACT = 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f'

export function isUploadArtifact(uses: unknown): boolean {
  return typeof uses === 'string' && uses.startsWith('actions/upload-artifact@')
}

/** Whether a step runs after an earlier one failed. */
export function runsAfterFailure(step: Record<string, unknown>): boolean {
  return typeof step.if === 'string' && /\balways\(\)/.test(step.if)
}

/** What would go wrong uploading: `resolve` gives the value of an expression-bearing text, as the runner would. */
export function uploadProblems(
  step: Record<string, unknown>,
  resolve: (text: string) => string,
  label: string
): string[] {
  const problems: string[] = []
  if (step.uses !== UPLOAD_ARTIFACT) problems.push(`${label}: pin actions/upload-artifact as ${UPLOAD_ARTIFACT}`)
  // Without it, a failed run's folder is not kept (and the step would not run here).
  if (!runsAfterFailure(step))
    return [...problems, `${label}: the upload needs if: always(), to keep a failed run's logs`]
  const path = resolve(String(asRecord(step.with).path ?? ''))
  if (!path || !existsSync(path) || !statSync(path).isDirectory()) {
    problems.push(`${label}: upload-artifact's path '${path}' is not a folder the action wrote`)
  } else if (!existsSync(join(path, 'result.json'))) {
    problems.push(`${label}: upload-artifact's path '${path}' holds no result.json`)
  }
  return problems
}
