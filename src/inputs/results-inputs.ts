/** The inputs of what is read after the run and how it is linked: `logs`, `log-lines`, `project-id`. Pure. */
import { INPUT } from './action-spec.ts'
import { InputError, parseChoice, parsePositiveInteger } from './input-values.ts'

/** When a job group's logs are downloaded. */
export type LogsPolicy = 'on-failure' | 'always' | 'never'

const LOGS_POLICIES: readonly LogsPolicy[] = ['on-failure', 'always', 'never']
const MAX_LOG_LINES = 1000
/** A Google Cloud project id (6 to 30 of a-z, 0-9 and -), or one of the older `domain:project` ids. */
const PROJECT_ID = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/

export function parseLogs(text: string): LogsPolicy {
  return parseChoice(INPUT.logs, text, LOGS_POLICIES)
}

export function parseLogLines(text: string): number {
  const lines = parsePositiveInteger(INPUT.logLines, text)
  if (lines > MAX_LOG_LINES) throw new InputError(INPUT.logLines, `must be at most ${MAX_LOG_LINES} (got ${lines}).`)
  return lines
}

/** `?projectId=<id>` for the app's links, or '' without a project id. */
export function parseProjectId(text: string): string {
  const value = text.trim()
  if (value === '') return ''
  if (!PROJECT_ID.test(value)) {
    throw new InputError(
      INPUT.projectId,
      `must be a Google Cloud project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter ` +
        `(got '${value.slice(0, 60)}'). The Dataprep app shows it in its links as ?projectId=….`
    )
  }
  return `?projectId=${encodeURIComponent(value)}`
}

/** Where the app's pages are: its base URL and the query every link gets (`?projectId=…`, or ''). */
export interface AppLinks {
  appUrl: string
  appQuery: string
}

/** A page of the app: `appUrl` + `path` + the project's query. Pure. */
export function appLink(links: AppLinks, path: string): string {
  return `${links.appUrl}${path}${links.appQuery}`
}
