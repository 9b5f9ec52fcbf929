// The lean start maps undici to a stand-in (src/http/undici-lazy.cjs) and loads the YAML parser only for YAML
// overrides. Attacks on every path of the built dist/ that may need the real ones: the pull request comment
// behind a proxy (Octokit's fetch goes through undici's ProxyAgent), the API over https through a proxy with an
// internal CA (NODE_EXTRA_CA_CERTS), the post step, and YAML overrides in the main and post steps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeGitHub } from '../../support/fake-github.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { proxiedUrl, PROXIED_HOST, TestProxy } from '../../support/proxy.ts'
import { caFile } from '../../support/tls.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function servers() {
  const gh = await FakeGitHub.start()
  const proxy = await TestProxy.start()
  cleanups.push(
    () => gh.close(),
    () => proxy.close()
  )
  return { gh, proxy }
}

function pullRequestEvent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lean-start-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'event.json')
  const repository = { name: 'pipelines', full_name: 'acme/pipelines', owner: { login: 'acme' } }
  writeFileSync(file, JSON.stringify({ action: 'opened', number: 12, pull_request: { number: 12 }, repository }))
  return file
}

/** A pull_request run whose GitHub API is reached through the proxy. */
function proxiedPullRequest(
  gh: { url: string },
  proxy: { url: string },
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    GITHUB_API_URL: proxiedUrl(gh.url),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: pullRequestEvent(),
    https_proxy: proxy.url,
    http_proxy: proxy.url,
    ...extra
  }
}

/** The state a main step killed while waiting for job group `id` leaves behind. */
const unsettled = (id: number): Record<string, string> => {
  const ids = String(id)
  return { kind: 'recipe', runId: ids, jobId: ids, jobIds: ids, triggered: 'true', waiting: 'true', requestId: 'r' }
}

describe('the real undici where it is needed, from the built bundle', () => {
  it('the pull request comment through http(s)_proxy: written, and it went through the proxy', async () => {
    const e = await emulator()
    const { gh, proxy } = await servers()
    const env = proxiedPullRequest(gh, proxy)
    const result = await run(inputsFor(e, { 'comment-on-pr': 'true' }), { env })

    expect(result.code).toBe(0)
    expect(warnings(result)).toEqual([])
    expect(gh.comments('acme', 'pipelines', 12)).toHaveLength(1)
    expect(proxy.requests.some((r) => r.target.includes(PROXIED_HOST))).toBe(true)
    expect(result.stderr).not.toMatch(/undici was used before/)
  })

  it('no_proxy naming GitHub keeps the comment off the proxy (then it fails: the host resolves nowhere)', async () => {
    const e = await emulator()
    const { gh, proxy } = await servers()
    const env = proxiedPullRequest(gh, proxy, { no_proxy: PROXIED_HOST })
    const result = await run(inputsFor(e, { 'comment-on-pr': 'true' }), { env })

    expect(result.code).toBe(0)
    expect(proxy.requests).toEqual([])
    expect(gh.requests).toEqual([])
    expect(warnings(result).join('\n')).toMatch(/comment/i)
  })

  it('the API over https through a proxy, its CA from NODE_EXTRA_CA_CERTS, and the comment too', async () => {
    const e = await emulator({ tls: true })
    const { gh, proxy } = await servers()
    const env = proxiedPullRequest(gh, proxy, { NODE_EXTRA_CA_CERTS: caFile() })
    const result = await run(inputsFor(e, { 'api-url': proxiedUrl(e.url), 'comment-on-pr': 'true' }), { env })

    expect(errors(result)).toEqual([])
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(gh.comments('acme', 'pipelines', 12)).toHaveLength(1)
    expect(proxy.requests.filter((r) => r.method === 'CONNECT').length).toBeGreaterThanOrEqual(2)
  })

  it('a post step through the proxy cancels a run the main step left behind', async () => {
    const e = await emulator({ tls: true, scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const { proxy } = await servers()
    const group = { id: e.createJobGroup(7) }
    const state = unsettled(group.id)
    const inputs = inputsFor(e, { 'api-url': proxiedUrl(e.url) })
    const result = await run(inputs, {
      post: true,
      state,
      env: { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: caFile() }
    })

    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(e.requestsTo('POST', `/v4/jobGroups/${group.id}/cancel`)).toHaveLength(1)
    expect(proxy.requests.length).toBeGreaterThanOrEqual(1)
  })
})

describe('YAML overrides, loaded lazily', () => {
  const yaml = 'execution: photon\nprofiler: false\nwritesettings:\n  - path: gs://b/out.csv\n    action: overwrite\n'

  it('YAML overrides are parsed and sent as JSON', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { overrides: yaml }))

    expect(result.code).toBe(0)
    const body = e.requestsTo('POST', '/v4/jobGroups')[0]!.json as { overrides: unknown }
    expect(body.overrides).toEqual({
      execution: 'photon',
      profiler: false,
      writesettings: [{ path: 'gs://b/out.csv', action: 'overwrite' }]
    })
  })

  it('the post step with YAML overrides reads them quietly and still cancels', async () => {
    const e = await emulator({ scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const group = { id: e.createJobGroup(7) }
    const state = unsettled(group.id)
    const result = await run(inputsFor(e, { overrides: yaml }), { post: true, state })

    expect(result.code).toBe(0)
    expect(e.requestsTo('POST', `/v4/jobGroups/${group.id}/cancel`)).toHaveLength(1)
  })

  it('deeply nested YAML, an alias bomb and 5,000 keys: input errors or a run, never a crash', async () => {
    const e = await emulator()
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`
    const deepBlock = Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1'
    const alias = (i: number): string => (i ? 'b'.repeat(i) : 'a')
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
      .concat(Array.from({ length: 12 }, (_, i) => `${alias(i + 1)}: &${alias(i + 1)} [*${alias(i)}, *${alias(i)}]`))
      .join('\n')
    for (const overrides of [deep, `x: ${deep}`, deepBlock, bomb]) {
      const result = await run(inputsFor(e, { overrides }), { timeoutMs: 20_000 })
      expect(result.code, overrides.slice(0, 40)).toBe(1)
      expect(errors(result).join('\n')).toMatch(/Invalid input%3A overrides/)
      expect(result.stderr).not.toMatch(/RangeError|Maximum call stack|at .*index\.js/)
    }
    const many = Array.from({ length: 5_000 }, (_, i) => `customKey${i}: ${i}`).join('\n')
    const result = await run(inputsFor(e, { overrides: many }), { timeoutMs: 30_000 })
    expect(result.stderr).not.toMatch(/RangeError|at .*index\.js/)
    expect(result.stdout.length).toBeLessThan(200_000)
    expect(e.requestsTo('POST', '/v4/jobGroups').length).toBeLessThanOrEqual(1)
  })
})
