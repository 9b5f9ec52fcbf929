/**
 * The `result` and `report-dir` outputs and the report folder's files, set at every ending (invalid inputs too).
 * A folder that cannot be made or written is a warning, and `report-dir` stays empty; the result is unchanged.
 */
import { OUTPUT } from '../inputs/action-spec.ts'
import type { RunReport } from '../report/report.ts'
import { resultJson, stagesDocument } from '../report/result-json.ts'
import type { StepResult } from '../report/result.ts'
import { ReportDir } from '../results/report-dir.ts'
import { setOutput } from '../runner/outputs.ts'
import { log } from '../shared/log.ts'

/** A new report folder, or undefined (with a warning) when none can be made. */
export function openReportDir(): ReportDir | undefined {
  try {
    return ReportDir.create()
  } catch (error) {
    log.warning(`Could not make the report folder (report-dir) under RUNNER_TEMP: ${(error as Error).message}`)
    return undefined
  }
}

/** Writes the folder's files and sets both outputs; `result` names the folder only when it was written. */
export function publishResult(result: StepResult, dir: ReportDir | undefined, report?: RunReport): void {
  const written = dir !== undefined && writeFiles(dir, result, report)
  const final = { ...result, reportDir: written ? dir.path : null }
  setOutput(OUTPUT.result, resultJson(final))
  setOutput(OUTPUT.reportDir, written ? dir.path : '')
  if (dir?.problem) log.warning(`The report folder is incomplete: ${dir.problem}.`)
}

function writeFiles(dir: ReportDir, result: StepResult, report: RunReport | undefined): boolean {
  try {
    if (report) dir.writeFile(['stages.json'], `${JSON.stringify(stagesDocument(report), null, 2)}\n`)
    const json = resultJson({ ...result, reportDir: dir.path })
    dir.writeFile(['result.json'], `${JSON.stringify(JSON.parse(json), null, 2)}\n`)
    return true
  } catch (error) {
    log.warning(`Could not write the report folder (report-dir) ${dir.path}: ${(error as Error).message}`)
    return false
  }
}
