// Generated from action.yml by scripts/gen-action-defaults.ts (npm run gen): do not edit.
/** The defaults action.yml declares, used when an input is given empty (the runner fills them in otherwise). */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  'dry-run': 'false',
  wait: 'true',
  timeout: '6h',
  'poll-interval': '2s',
  'max-poll-interval': '60s',
  schedule: 'history',
  'request-timeout': '30s',
  'fail-on-job-failure': 'true',
  'cancel-on-timeout': 'true',
  'cancel-on-workflow-cancel': 'true',
  logs: 'on-failure',
  'log-lines': '50',
  'comment-on-pr': 'false'
}
