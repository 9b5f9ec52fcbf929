/** The `result` of a step whose inputs are invalid: the same fields, nothing sent, every bad input listed. */
import { RESULT_VERSION, type StepResult } from './result.ts'

/** The result of a step whose inputs are invalid: nothing was sent. Pure. */
export function invalidInputResult(errors: { input: string; message: string }[], reportDir?: string): StepResult {
  return {
    version: RESULT_VERSION,
    kind: null,
    ending: 'invalid-input',
    status: null,
    failed: true,
    ids: {
      recipeId: null,
      jobGroupId: null,
      jobGroupIds: [],
      flowId: null,
      flowRunId: null,
      planId: null,
      planRunId: null
    },
    requestId: null,
    timings: { startedAt: null, finishedAt: null, durationSeconds: null },
    urls: { job: null, flow: null, plan: null, workflowRun: null },
    error: { title: 'Invalid input', message: 'Nothing was sent: the inputs are invalid.' },
    notes: [],
    inputErrors: errors.map(({ input, message }) => ({ input, message })),
    jobGroups: [],
    outputs: { files: [], tables: [] },
    publications: [],
    reportDir: reportDir ?? null,
    quality: null,
    dryRun: false
  }
}
