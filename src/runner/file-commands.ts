/**
 * The runner's command files (GITHUB_OUTPUT, GITHUB_STATE): every write goes through `write`, which never throws.
 * A file that cannot be written (a full disk, a missing file) must not stop the step from supervising a run it
 * started: the failure is kept, with the file and the cause, and the step ends with an error naming them.
 */
import { log } from '../shared/log.ts'

export type CommandFile = 'GITHUB_OUTPUT' | 'GITHUB_STATE'

export interface FileFailure {
  file: CommandFile
  /** The path the variable names. */
  path: string
  /** What was being written: `the output job-id`. */
  what: string
  /** The error's own words, e.g. `ENOSPC: no space left on device, write`. */
  cause: string
}

const failures = new Map<CommandFile, FileFailure>()

/** Runs a write to `file`; a failure is kept (the first per file) and told once as a warning, never thrown. */
export function write(file: CommandFile, what: string, fn: () => void): boolean {
  try {
    fn()
    return true
  } catch (error) {
    if (failures.has(file)) return false
    const failure = { file, path: process.env[file] ?? '', what, cause: (error as Error).message ?? String(error) }
    failures.set(file, failure)
    log.warning(`${describeFileFailure(failure)} The step goes on, and fails at its end.`, { title: file })
    return false
  }
}

/** The failures so far, one per file. */
export function fileFailures(): FileFailure[] {
  return [...failures.values()]
}

/** `Could not write the output job-id to GITHUB_OUTPUT (/dev/full): ENOSPC: …`. Pure. */
export function describeFileFailure(failure: FileFailure): string {
  const consequence =
    failure.file === 'GITHUB_STATE'
      ? 'the post step cannot see this run, so this step itself waits for it and cancels it as the inputs say'
      : 'later steps will not see the outputs this step could not write'
  return (
    `Could not write ${failure.what} to ${failure.file} (${failure.path || 'not set'}): ${failure.cause}; ` +
    `${consequence}.`
  )
}

/** Only for tests: forget the failures. */
export function resetFileFailures(): void {
  failures.clear()
}
