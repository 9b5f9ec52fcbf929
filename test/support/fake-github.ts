// A small fake of the GitHub REST API for the pull request comment: issue comments kept in memory per
// owner/repo/issue, listed (paginated like GitHub, with a Link header), created and updated. Every request is
// recorded. It can answer every request 403 the way GitHub answers a GITHUB_TOKEN without `pull-requests: write`.
// The Actions secrets routes live in fake-github-secrets.ts.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SecretsApi, type SecretsApiOptions } from './fake-github-secrets.ts'
import { listenLocal, type Listening } from './listen.ts'
import { receiveRecorded, type RecordedRequest } from './recorded-request.ts'

export const BOT_LOGIN = 'github-actions[bot]'

export interface FakeComment {
  id: number
  body: string
  html_url: string
  user: { login: string; type: 'Bot' | 'User' }
  created_at: string
  updated_at: string
}

/** What the fake GitHub API recorded of a request. */
export type GitHubRequest = RecordedRequest

/** A comment to pre-seed; `login` defaults to a human user. */
export interface SeedComment {
  body: string
  login?: string
}

export interface FakeGitHubOptions {
  /** Answer every request 403 "Resource not accessible by integration" (as GitHub does without the permission). */
  forbidden?: boolean
  /** In the 403 message, echo the Authorization header received (to test that the client never prints it). */
  echoAuthorization?: boolean
  /** Tokens and environments of the Actions secrets routes. */
  secrets?: SecretsApiOptions
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

const MAX_PER_PAGE = 100
const DEFAULT_PER_PAGE = 30
const FIRST_COMMENT_ID = 900_001
/** GitHub refuses longer comment bodies (422). */
export const MAX_COMMENT_BODY = 65_536
const FORBIDDEN_DOCS = 'https://docs.github.com/rest/issues/comments#create-an-issue-comment'

export class FakeGitHub {
  readonly url: string
  readonly requests: GitHubRequest[] = []
  /** The Actions secrets routes: public keys, seedSecret(), secretValue(). */
  readonly secrets: SecretsApi
  private readonly listening: Listening
  /** `owner/repo/number` → comments, oldest first. */
  private readonly threads = new Map<string, FakeComment[]>()
  private nextId = FIRST_COMMENT_ID
  private forbidden: boolean
  private readonly echoAuthorization: boolean

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    // The secrets routes' keys first: if making them fails, nothing is left listening.
    const secrets = await SecretsApi.create(options.secrets)
    const server = createServer()
    const github = new FakeGitHub(await listenLocal(server), options, secrets)
    server.on('request', (req, res) => github.receive(req, res))
    return github
  }

  private constructor(listening: Listening, options: FakeGitHubOptions, secrets: SecretsApi) {
    this.listening = listening
    this.secrets = secrets
    this.url = `http://127.0.0.1:${listening.port}`
    this.forbidden = options.forbidden ?? false
    this.echoAuthorization = options.echoAuthorization ?? false
  }

  /** From now on, answer every request 403 (or stop doing so). */
  forbid(on = true): void {
    this.forbidden = on
  }

  /** Adds comments to an issue / pull request as if written before the test; returns copies of them. */
  seed(owner: string, repo: string, issue: number, comments: SeedComment[]): FakeComment[] {
    return comments.map((c) => structuredClone(this.add(owner, repo, issue, c.body, c.login ?? 'octocat')))
  }

  /** The plaintext of an Actions secret as last written (see SecretsApi.secretValue). */
  secretValue(name: string, environment?: string, repo?: string): string | undefined {
    return this.secrets.secretValue(name, environment, repo)
  }

  /** The comments on an issue / pull request now, oldest first (deep copies). */
  comments(owner: string, repo: string, issue: number): FakeComment[] {
    return structuredClone(this.threads.get(threadKey(owner, repo, issue)) ?? [])
  }

  requestsTo(method: string, path: string | RegExp): GitHubRequest[] {
    const wanted = method.toUpperCase()
    return this.requests.filter(
      (r) => r.method === wanted && (typeof path === 'string' ? r.path === path : path.test(r.path))
    )
  }

  /** Closes the server and destroys open (keep-alive) sockets: nothing is left open. */
  close(): Promise<void> {
    return this.listening.close()
  }

  private add(owner: string, repo: string, issue: number, body: string, login: string): FakeComment {
    const key = threadKey(owner, repo, issue)
    const thread = this.threads.get(key) ?? []
    this.threads.set(key, thread)
    const id = this.nextId++
    const now = new Date().toISOString()
    const comment: FakeComment = {
      id,
      body,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: now,
      updated_at: now
    }
    thread.push(comment)
    return comment
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    receiveRecorded(req, res, (request) => {
      this.requests.push(request)
      const reply = this.handle(request)
      request.status = reply.status
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers })
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body))
    })
  }

  private handle(request: GitHubRequest): Reply {
    if (this.forbidden) {
      const echoed = this.echoAuthorization ? ` (authorization: ${request.headers.authorization ?? 'none'})` : ''
      return {
        status: 403,
        body: {
          message: `Resource not accessible by integration${echoed}`,
          documentation_url: FORBIDDEN_DOCS,
          status: '403'
        }
      }
    }
    const secrets = this.secrets.handle(request)
    if (secrets) return secrets
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(request.path)
    if (list) {
      const [, owner = '', repo = '', issue = ''] = list
      if (request.method === 'GET') return this.list(owner, repo, Number(issue), request.query)
      if (request.method === 'POST') return this.create(owner, repo, Number(issue), request.json)
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(request.path)
    if (one && request.method === 'PATCH') {
      const [, owner = '', repo = '', id = ''] = one
      return this.update(owner, repo, Number(id), request.json)
    }
    return notFound()
  }

  private list(owner: string, repo: string, issue: number, query: Record<string, string>): Reply {
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(query.per_page ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE))
    const page = Math.max(1, Number(query.page ?? 1) || 1)
    const all = this.threads.get(threadKey(owner, repo, issue)) ?? []
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const headers: Record<string, string> = {}
    const pageUrl = (n: number): string =>
      `${this.url}/repos/${owner}/${repo}/issues/${issue}/comments?per_page=${perPage}&page=${n}`
    const links: string[] = []
    if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`)
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`)
    if (links.length) headers.link = links.join(', ')
    return { status: 200, body: all.slice((page - 1) * perPage, page * perPage), headers }
  }

  private create(owner: string, repo: string, issue: number, json: unknown): Reply {
    const body = bodyOf(json)
    if (body === undefined) return invalid()
    if (body.length > MAX_COMMENT_BODY) return tooLong()
    return { status: 201, body: this.add(owner, repo, issue, body, BOT_LOGIN) }
  }

  private update(owner: string, repo: string, id: number, json: unknown): Reply {
    const body = bodyOf(json)
    if (body === undefined) return invalid()
    if (body.length > MAX_COMMENT_BODY) return tooLong()
    const prefix = `${owner}/${repo}/`
    for (const [key, thread] of this.threads) {
      const comment = key.startsWith(prefix) ? thread.find((c) => c.id === id) : undefined
      if (comment) {
        comment.body = body
        comment.updated_at = new Date().toISOString()
        return { status: 200, body: comment }
      }
    }
    return notFound()
  }
}

function threadKey(owner: string, repo: string, issue: number): string {
  return `${owner}/${repo}/${issue}`
}

function bodyOf(json: unknown): string | undefined {
  const body = typeof json === 'object' && json !== null ? (json as { body?: unknown }).body : undefined
  return typeof body === 'string' ? body : undefined
}

function notFound(): Reply {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }
  }
}

function invalid(): Reply {
  return {
    status: 422,
    body: {
      message: 'Invalid request.\n\n"body" wasn\'t supplied.',
      documentation_url: 'https://docs.github.com/rest',
      status: '422'
    }
  }
}

function tooLong(): Reply {
  const message = `Body is too long (maximum is ${MAX_COMMENT_BODY} characters)`
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }],
      documentation_url: 'https://docs.github.com/rest/issues/comments',
      status: '422'
    }
  }
}
