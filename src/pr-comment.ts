/**
 * Pull request comment (opt-in): one comment per pull request, workflow job and recipe, found again by a hidden
 * marker and updated in place on re-runs. Loaded only when `comment-on-pr` is true, so ordinary runs do not pay
 * for Octokit. Works on GitHub Enterprise Server (`GITHUB_API_URL`). A failure is a warning, never a failed step.
 */
import type { Config } from './inputs.ts'
import { log } from './log.ts'
import type { RunReport } from './report.ts'
import { redact } from './secrets.ts'

/** The hidden marker that identifies this step's comment. Pure. */
export function commentMarker(workflow: string, job: string, target: string): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9_.:/ -]/g, '_')
  return `<!-- trifacta-run-job-action workflow="${clean(workflow)}" job="${clean(job)}" target="${clean(target)}" -->`
}

export async function commentOnPullRequest(config: Config, report: RunReport, summary: string): Promise<void> {
  try {
    const github = await import('@actions/github')
    const { context } = github
    const pull = context.payload.pull_request
    if (!pull || !['pull_request', 'pull_request_target'].includes(context.eventName)) {
      log.info(`comment-on-pr: this is a '${context.eventName}' event, not a pull request; no comment written.`)
      return
    }
    const target = config.target.kind === 'recipe' ? `recipe ${config.target.recipeId}` : `job ${config.target.jobId}`
    const marker = commentMarker(context.workflow, context.job, target)
    const body = redact(`${marker}\n${summary}`)
    const octokit = github.getOctokit(config.githubToken)
    const { owner, repo } = context.repo
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pull.number, per_page: 100 })
    const mine = comments.find((c) => c.body?.includes(marker))
    if (mine) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body })
      log.info(`Updated the comment on pull request #${pull.number}: ${mine.html_url}`)
    } else {
      const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: pull.number, body })
      log.info(`Commented on pull request #${pull.number}: ${created.data.html_url}`)
    }
  } catch (error) {
    const status = (error as { status?: number }).status
    const hint = status === 403 || status === 404 ? ' Give the workflow `permissions: pull-requests: write` (or pass a github-token that has it).' : ''
    log.warning(`Could not comment on the pull request${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}.${hint}`, { title: 'PR comment' })
  }
}
