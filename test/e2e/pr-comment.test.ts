// The opt-in pull request comment end to end: dist/index.js run as the runner runs it, against the Trifacta
// emulator and a fake GitHub REST API (reached through GITHUB_API_URL, as on GitHub Enterprise Server).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { BOT_LOGIN, FakeGitHub, type FakeGitHubOptions, type SeedComment } from '../support/fake-github.ts'
import { emulator, errors, inputsFor, run, warnings } from '../support/e2e.ts'
import { API_TOKEN, GITHUB_TOKEN } from '../support/fake-tokens.ts'
import type { ActionResult, RunOptions } from '../support/run-action.ts'

const OWNER = 'acme' // GITHUB_REPOSITORY of the harness is acme/pipelines
const REPO = 'pipelines'
const PR = 12
const COMMENTS_PATH = `/repos/${OWNER}/${REPO}/issues/${PR}/comments`
/** The marker of this step's comment for recipe `n` (GITHUB_WORKFLOW ci, GITHUB_JOB run in the harness). */
const marker = (recipe: number): string =>
  `<!-- trifacta-run-job-action workflow="ci" job="run" target="recipe ${recipe}" -->`

const servers: FakeGitHub[] = []
const tempDirs: string[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function fakeGitHub(options?: FakeGitHubOptions): Promise<FakeGitHub> {
  const server = await FakeGitHub.start(options)
  servers.push(server)
  return server
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pr-comment-test-'))
  tempDirs.push(dir)
  return dir
}

/** A pull_request event payload file, as the runner writes it to GITHUB_EVENT_PATH. */
function pullRequestEvent(number = PR): string {
  const file = join(tempDir(), 'event.json')
  const repository = { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER } }
  writeFileSync(
    file,
    JSON.stringify({
      action: 'synchronize',
      number,
      pull_request: { number, state: 'open', head: { ref: 'feature' } },
      repository
    })
  )
  return file
}

/** The runner environment of a pull_request event whose API is `gh`. */
function onPullRequest(gh: FakeGitHub, extra: Record<string, string> = {}): RunOptions {
  return {
    env: { GITHUB_API_URL: gh.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: pullRequestEvent(), ...extra }
  }
}

function expectCompleteWithoutWarnings(result: ActionResult): void {
  expect(result.code).toBe(0)
  expect(result.outputs.status).toBe('Complete')
  expect(errors(result)).toEqual([])
  expect(warnings(result)).toEqual([])
}

/** Nothing the action sent to GitHub contains the Trifacta token (nor the GitHub token, outside the header). */
function expectNoTokenSentInBodies(gh: FakeGitHub): void {
  for (const request of gh.requests) {
    expect(request.body).not.toContain(API_TOKEN)
    expect(request.body).not.toContain(GITHUB_TOKEN)
  }
}

describe('comment-on-pr on a pull_request event', () => {
  it('creates one comment with the hidden marker and the job summary, authenticated with github-token', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    const result = await run(inputsFor(e, { 'comment-on-pr': 'true' }), onPullRequest(gh))

    expectCompleteWithoutWarnings(result)
    const comments = gh.comments(OWNER, REPO, PR)
    expect(comments).toHaveLength(1)
    const [comment] = comments
    expect(comment!.user.login).toBe(BOT_LOGIN)
    expect(comment!.body.startsWith(`${marker(7)}\n`)).toBe(true)
    expect(comment!.body).toContain('Job 4100 ✅ completed')
    expect(comment!.body).toContain(`<a href="${e.url}/jobs/4100">4100</a>`)
    // The comment says what the step summary says.
    expect(comment!.body).toContain(result.summary.trim())
    expect(result.stdout).toContain(`Commented on pull request #${PR}: ${comment!.html_url}`)

    // One listing, then one creation; both with the token the runner gives (Octokit sends `token …`).
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${COMMENTS_PATH}`, `POST ${COMMENTS_PATH}`])
    for (const request of gh.requests) expect(request.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    expect(gh.requests[0]!.query.per_page).toBe('100')
    expectNoTokenSentInBodies(gh)
  })

  it('a re-run updates that comment in place; other comments are untouched; another recipe gets its own', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    const unrelated: SeedComment[] = [
      { body: 'LGTM, but please rebase.', login: 'octocat' },
      { body: '## Coverage report\n\nCoverage: 87%', login: 'codecov[bot]' },
      // The same action in another job of the workflow, and in another workflow: not this step's comment.
      {
        body: `<!-- trifacta-run-job-action workflow="ci" job="deploy" target="recipe 7" -->\nJob 17 ✅ completed`,
        login: BOT_LOGIN
      },
      {
        body: `<!-- trifacta-run-job-action workflow="nightly" job="run" target="recipe 7" -->\nJob 18 ✅ completed`,
        login: BOT_LOGIN
      },
      // Recipe 70 must not be mistaken for recipe 7.
      {
        body: `<!-- trifacta-run-job-action workflow="ci" job="run" target="recipe 70" -->\nJob 19 ✅ completed`,
        login: BOT_LOGIN
      }
    ]
    const seeded = gh.seed(OWNER, REPO, PR, unrelated)
    const inputs = inputsFor(e, { 'comment-on-pr': 'true' })

    const first = await run(inputs, onPullRequest(gh))
    expectCompleteWithoutWarnings(first)
    const afterFirst = gh.comments(OWNER, REPO, PR)
    expect(afterFirst).toHaveLength(seeded.length + 1)
    const mine = afterFirst.at(-1)!
    expect(mine.body).toContain(marker(7))
    expect(mine.body).toContain('Job 4100 ✅ completed')

    // The same workflow, job and recipe again: the emulator starts job 4101.
    const sentBefore = gh.requests.length
    const second = await run(inputs, onPullRequest(gh))
    expectCompleteWithoutWarnings(second)
    expect(second.outputs['job-id']).toBe('4101')
    const secondRequests = gh.requests.slice(sentBefore)
    expect(secondRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${COMMENTS_PATH}`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${mine.id}`
    ])
    expect(secondRequests[1]!.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    expect(second.stdout).toContain(`Updated the comment on pull request #${PR}: ${mine.html_url}`)

    const afterSecond = gh.comments(OWNER, REPO, PR)
    expect(afterSecond).toHaveLength(seeded.length + 1)
    expect(afterSecond.slice(0, seeded.length)).toEqual(seeded)
    const updated = afterSecond.find((c) => c.id === mine.id)!
    expect(updated.body).toContain(marker(7))
    expect(updated.body).toContain('Job 4101 ✅ completed')
    expect(updated.body).not.toContain('Job 4100')
    expect(updated.body).not.toContain(`${e.url}/jobs/4100"`)

    // Another recipe in the same job: a comment of its own, the recipe 7 comment as it was.
    const third = await run(inputsFor(e, { 'comment-on-pr': 'true', 'recipe-id': '42' }), onPullRequest(gh))
    expectCompleteWithoutWarnings(third)
    const afterThird = gh.comments(OWNER, REPO, PR)
    expect(afterThird).toHaveLength(seeded.length + 2)
    expect(afterThird.slice(0, seeded.length + 1)).toEqual(afterSecond)
    const other = afterThird.at(-1)!
    expect(other.body).toContain(marker(42))
    expect(other.body).toContain('Job 4102 ✅ completed')
    expect(other.body).not.toContain(marker(7))
    expectNoTokenSentInBodies(gh)
  })

  it('finds its comment on a later page of a long conversation (pagination) and updates it', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    gh.seed(
      OWNER,
      REPO,
      PR,
      Array.from({ length: 120 }, (_, i) => ({
        body: `review comment ${i + 1}`,
        login: i % 2 ? 'octocat' : 'renovate[bot]'
      }))
    )
    const inputs = inputsFor(e, { 'comment-on-pr': 'true' })

    expectCompleteWithoutWarnings(await run(inputs, onPullRequest(gh)))
    const created = gh.comments(OWNER, REPO, PR).at(-1)!
    expect(created.body).toContain(marker(7))
    // Both pages were read before creating it.
    expect(gh.requestsTo('GET', COMMENTS_PATH).map((r) => r.query.page ?? '1')).toEqual(['1', '2'])

    const sentBefore = gh.requests.length
    expectCompleteWithoutWarnings(await run(inputs, onPullRequest(gh)))
    const second = gh.requests.slice(sentBefore)
    expect(second.map((r) => r.method)).toEqual(['GET', 'GET', 'PATCH'])
    const comments = gh.comments(OWNER, REPO, PR)
    expect(comments).toHaveLength(121)
    expect(comments.filter((c) => c.body.includes(marker(7)))).toHaveLength(1)
    expect(comments.at(-1)!.body).toContain('Job 4101 ✅ completed')
  })

  it('a 403 from GitHub is a warning naming the permission; the step succeeds and no token is printed', async () => {
    const e = await emulator()
    // The fake echoes the Authorization header it received in its error message, as some proxies do.
    const gh = await fakeGitHub({ forbidden: true, echoAuthorization: true })
    const result = await run(inputsFor(e, { 'comment-on-pr': 'true' }), onPullRequest(gh))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(errors(result)).toEqual([])
    const [warning, ...more] = warnings(result)
    expect(more).toEqual([])
    expect(warning).toContain('title=PR comment')
    expect(warning).toContain('HTTP 403')
    expect(warning).toContain('Resource not accessible by integration')
    expect(warning).toContain('pull-requests: write')
    expect(gh.requests.length).toBeGreaterThan(0)
    expect(gh.requests[0]!.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    expect(result.summary).toContain('Job 4100 ✅ completed')
    // `run` checked already that neither token appears in stdout, stderr, outputs, summary or state.
  })
})

describe('no comment', () => {
  it('on a push event with comment-on-pr true: no request to GitHub, the step succeeds', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    // The harness's default event: push, with an empty payload.
    const result = await run(inputsFor(e, { 'comment-on-pr': 'true' }), { env: { GITHUB_API_URL: gh.url } })

    expectCompleteWithoutWarnings(result)
    expect(result.stdout).toContain("comment-on-pr: this is a 'push' event, not a pull request; no comment written.")
    expect(gh.requests).toEqual([])
  })

  it('with comment-on-pr false (the default), also on a pull_request event: no request to GitHub', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    const result = await run(inputsFor(e), onPullRequest(gh))

    expectCompleteWithoutWarnings(result)
    expect(result.stdout).not.toMatch(/pull request/i)
    expect(gh.requests).toEqual([])
  })
})

describe('Octokit is loaded only when a comment is asked for', () => {
  const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist')
  const PRELOAD = `
import { registerHooks } from 'node:module'
import { appendFileSync } from 'node:fs'
const out = process.env.LOADED_MODULES_FILE
registerHooks({
  load(url, context, nextLoad) {
    if (out) appendFileSync(out, url + '\\n')
    return nextLoad(url, context)
  }
})
`

  /** The dist chunks that hold Octokit itself (found by content, since ncc numbers chunks by module id). */
  function octokitChunks(): string[] {
    return readdirSync(DIST).filter(
      (name) => name.endsWith('.js') && /@octokit\/core|octokit-core\.js/.test(readFileSync(join(DIST, name), 'utf8'))
    )
  }

  /** Runs dist/index.js with a preload that records every module it loads; returns the files loaded from dist/. */
  async function distModulesLoaded(
    inputs: Record<string, string>,
    options: RunOptions
  ): Promise<{ result: ActionResult; loaded: string[] }> {
    const dir = tempDir()
    const preload = join(dir, 'record-loads.mjs')
    const out = join(dir, 'loaded.txt')
    writeFileSync(preload, PRELOAD)
    writeFileSync(out, '')
    const env = { ...options.env, NODE_OPTIONS: `--import="${pathToFileURL(preload).href}"`, LOADED_MODULES_FILE: out }
    const result = await run(inputs, { ...options, env })
    const distUrl = `${pathToFileURL(DIST).href}/`
    const loaded = readFileSync(out, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith(distUrl))
      .map((url) => url.slice(distUrl.length))
    return { result, loaded: [...new Set(loaded)] }
  }

  it('dist/index.js itself holds no Octokit: it is in a separate chunk', () => {
    const chunks = octokitChunks()
    expect(chunks.length).toBeGreaterThan(0)
    expect(chunks).not.toContain('index.js')
  })

  it('comment-on-pr false on a pull_request event: no chunk but index.js is loaded', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    const { result, loaded } = await distModulesLoaded(inputsFor(e), onPullRequest(gh))
    expectCompleteWithoutWarnings(result)
    expect(loaded).toEqual(['index.js'])
    expect(gh.requests).toEqual([])
  })

  it('comment-on-pr true on a pull_request event: the Octokit chunk is loaded and the comment written', async () => {
    const e = await emulator()
    const gh = await fakeGitHub()
    const { result, loaded } = await distModulesLoaded(inputsFor(e, { 'comment-on-pr': 'true' }), onPullRequest(gh))
    expectCompleteWithoutWarnings(result)
    expect(loaded).toContain('index.js')
    for (const chunk of octokitChunks()) expect(loaded).toContain(chunk)
    expect(gh.comments(OWNER, REPO, PR)).toHaveLength(1)
  })
})
