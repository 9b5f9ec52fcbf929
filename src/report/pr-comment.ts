/**
 * Pull request comment (opt-in): one comment per pull request, workflow job and recipe, found again by a hidden
 * marker and updated in place on re-runs. Loaded only when `comment-on-pr` is true, so ordinary runs do not pay
 * for Octokit. Works on GitHub Enterprise Server (`GITHUB_API_URL`). A failure is a warning, never a failed step.
 */
import { targetLabel, type Config } from '../inputs/inputs.ts'
import { log } from '../shared/log.ts'
import type { RunReport } from './report.ts'
import { redact } from '../shared/secrets.ts'
import { loadUndici } from '../http/undici-lazy.cjs'

/** GitHub's limit on the length of a comment body. */
const MAX_COMMENT_CHARS = 65_536
/** All calls to the GitHub API together get this long. */
const GITHUB_BUDGET_MS = 60_000

/** The comment body within GitHub's limit: the marker, the summary cut at a line end if needed, and a pointer. Pure. */
export function fitComment(marker: string, summary: string, runUrl?: string, max = MAX_COMMENT_CHARS): string {
  const full = `${marker}\n${summary}`
  if (full.length <= max) return full
  const where = runUrl ? ` of <a href="${runUrl}">the workflow run</a>` : ''
  const tail = `\n\n<p>… cut to fit GitHub's comment limit; the full report is in the step summary${where}.</p>\n`
  const room = max - marker.length - 1 - tail.length
  const cut = summary.lastIndexOf('\n', room)
  return `${marker}\n${summary.slice(0, cut > 0 ? cut : room)}${tail}`
}

/** The hidden marker that identifies this step's comment. Pure. */
export function commentMarker(workflow: string, job: string, target: string): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9_.:/ -]/g, '_')
  return `<!-- trifacta-run-job-action workflow="${clean(workflow)}" job="${clean(job)}" target="${clean(target)}" -->`
}

/** What the comment needs of a report (a run's, or a dry run's). */
type Commented = Pick<RunReport, 'runUrl'>

export async function commentOnPullRequest(config: Config, report: Commented, summary: string): Promise<void> {
  try {
    await loadUndici()
    const github = await import('@actions/github')
    const { context } = github
    const pull = context.payload.pull_request
    if (!pull || !['pull_request', 'pull_request_target'].includes(context.eventName)) {
      log.info(`comment-on-pr: this is a '${context.eventName}' event, not a pull request; no comment written.`)
      return
    }
    const marker = commentMarker(context.workflow, context.job, targetLabel(config.target))
    const body = fitComment(marker, redact(summary), report.runUrl)
    const octokit = github.getOctokit(config.githubToken)
    // Octokit has no timeout of its own, and paginate() drops per-call options: a hook bounds every request.
    const signal = AbortSignal.timeout(GITHUB_BUDGET_MS)
    octokit.hook.before('request', (options) => {
      options.request = { ...options.request, signal }
    })
    const { owner, repo } = context.repo
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pull.number,
      per_page: 100
    })
    const mine = comments.find((c) => c.body?.startsWith(marker))
    if (mine) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body })
      log.info(`Updated the comment on pull request #${pull.number}: ${mine.html_url}`)
    } else {
      const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: pull.number, body })
      log.info(`Commented on pull request #${pull.number}: ${created.data.html_url}`)
    }
  } catch (error) {
    const status = (error as { response?: unknown; status?: number }).response
      ? (error as { status?: number }).status
      : undefined
    const hint =
      status === 403 || status === 404
        ? ' Give the workflow `permissions: pull-requests: write` (or pass a github-token that has it).'
        : ''
    log.warning(
      `Could not comment on the pull request${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}.${hint}`,
      { title: 'PR comment' }
    )
  }
}
