/**
 * The names of the action's inputs and outputs, as action.yml declares them. Code refers to these constants only,
 * and a unit test checks that action.yml declares exactly these. The defaults live in action.yml alone;
 * `action-defaults.ts` is generated from it (`npm run gen`).
 */
export const INPUT = {
  apiUrl: 'api-url',
  apiToken: 'api-token',
  refreshToken: 'refresh-token',
  clientId: 'client-id',
  tokenEndpoint: 'token-endpoint',
  clientSecret: 'client-secret',
  refreshTokenSecret: 'refresh-token-secret',
  secretsToken: 'secrets-token',
  recipeId: 'recipe-id',
  jobId: 'job-id',
  flowId: 'flow-id',
  flowRecipes: 'flow-recipes',
  planId: 'plan-id',
  overrides: 'overrides',
  runParameters: 'run-parameters',
  dryRun: 'dry-run',
  qualityGate: 'quality-gate',
  baseline: 'baseline',
  wait: 'wait',
  timeout: 'timeout',
  pollInterval: 'poll-interval',
  maxPollInterval: 'max-poll-interval',
  requestTimeout: 'request-timeout',
  schedule: 'schedule',
  queueTimeout: 'queue-timeout',
  failOnJobFailure: 'fail-on-job-failure',
  cancelOnTimeout: 'cancel-on-timeout',
  cancelOnWorkflowCancel: 'cancel-on-workflow-cancel',
  appUrl: 'app-url',
  logs: 'logs',
  logLines: 'log-lines',
  projectId: 'project-id',
  commentOnPr: 'comment-on-pr',
  githubToken: 'github-token'
} as const

export const OUTPUT = {
  jobId: 'job-id',
  status: 'status',
  requestId: 'request-id',
  jobUrl: 'job-url',
  durationSeconds: 'duration-seconds',
  jobs: 'jobs',
  written: 'written',
  quality: 'quality',
  jobIds: 'job-ids',
  flowRunId: 'flow-run-id',
  planRunId: 'plan-run-id',
  result: 'result',
  reportDir: 'report-dir',
  refreshToken: 'refresh-token'
} as const

export type InputName = (typeof INPUT)[keyof typeof INPUT]
export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT]
