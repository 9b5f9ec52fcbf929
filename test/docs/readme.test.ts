// The YAML examples of the README and of the docs/ pages, and any in action.yml's descriptions, are real: each
// parses with unique keys, passes actionlint (a fragment is wrapped into a minimal workflow first), uses only inputs
// and outputs action.yml declares, and every step of this action in it runs against the emulator (dist/ run as the
// runner runs it) and passes, or fails as its `# readme-test: expect-failure=…` marker says. How it works:
// test/support/readme-*.ts. The shell snippets of docs/local.md run in local.test.ts.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { marked, type Token, type Tokens } from 'marked'
import { beforeAll, describe, expect, it } from 'vitest'
import { actionlint, type Finding } from '../support/actionlint.ts'
import { expectNoSecretLeak } from '../support/e2e.ts'
import {
  actionContract,
  actionSteps,
  actionYmlExamples,
  checkExample,
  markdownExamples,
  type Example,
  type Wrapped
} from '../support/readme-examples.ts'
import { TokenServer } from '../emulator/index.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { API_TOKEN } from '../support/fake-tokens.ts'
import { refreshTokenProblems, runExample } from '../support/readme-runner.ts'
import type { ActionResult } from '../support/run-action.ts'

const root = resolve(import.meta.dirname, '../..')
/** The README, then the docs/ pages it links to, by name. */
const PAGES = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`)
]
const ACTION_YML = readFileSync(join(root, 'action.yml'), 'utf8')
const contract = actionContract(ACTION_YML)
const examples = [
  ...PAGES.flatMap((page) => markdownExamples(readFileSync(join(root, page), 'utf8'), page)),
  ...actionYmlExamples(ACTION_YML)
]
const checked = examples.map((example, i) => ({
  example,
  lintName: `example-${i + 1}.yml`,
  ...checkExample(example, contract)
}))
const context = { token: API_TOKEN }

/** A finding in the wrapped text, told at the example's own line (the wrapper's lines are named as such). */
function located(example: Example, wrapped: Wrapped, finding: Finding): string {
  const line = finding.line - wrapped.prefixLines
  const column = Math.max(finding.column - (wrapped.shape === 'steps' ? 6 : 0), 0)
  const at = line >= 1 ? `${example.file}:${example.line + line - 1}:${column}` : `${example.where} (the wrapper)`
  return `${at} ${finding.message} [${finding.rule}]`
}

/** Lints the wrapped examples given, in one actionlint run; their findings, told at the examples' lines. */
async function lintExamples(items: typeof checked): Promise<Map<string, string[]>> {
  const files = Object.fromEntries(items.flatMap((c) => (c.wrapped ? [[c.lintName, c.wrapped.text]] : [])))
  const findings = await actionlint(files)
  const byFile = new Map<string, string[]>()
  for (const c of items) {
    const own = findings.filter((f) => f.file === c.lintName)
    byFile.set(c.lintName, c.wrapped ? own.map((f) => located(c.example, c.wrapped!, f)) : [])
  }
  return byFile
}

/** A copy of `code` with `from` replaced, which must occur in it. */
function edited(code: string, from: string, to: string): string {
  expect(code).toContain(from)
  return code.replace(from, to)
}

/** The 0-based index of the first line of `code` that contains `text`. */
function lineIndex(code: string, text: string): number {
  const index = code.split('\n').findIndex((l) => l.includes(text))
  expect(index).toBeGreaterThanOrEqual(0)
  return index
}

function example(code: string, title = 'synthetic'): Example {
  return { where: 'README.md:10', file: 'README.md', line: 10, title, code }
}

function readmeExample(title: string): Example {
  const found = examples.find((e) => e.title === title)
  if (!found) throw new Error(`no example of the README or docs/ under the heading '${title}'`)
  return found
}

describe('README examples', () => {
  let lint: Map<string, string[]>
  beforeAll(async () => {
    lint = await lintExamples(checked)
  }, 60_000)

  it('the README and every docs/ page with a workflow have examples, and some of them run this action', () => {
    expect(examples.length).toBeGreaterThan(0)
    const pages = new Set(examples.map((e) => e.file))
    for (const page of ['README.md', 'docs/aac.md', 'docs/flows-and-plans.md', 'docs/inputs.md']) {
      expect(pages).toContain(page)
    }
    expect(checked.filter((c) => c.workflow && actionSteps(c.workflow).length > 0).length).toBeGreaterThan(0)
  })

  for (const c of checked) {
    const name = `${c.example.where} (${c.example.title})`
    const steps = c.workflow ? actionSteps(c.workflow) : []
    describe(name, () => {
      it('is valid YAML of a known shape; its steps of this action match action.yml', () => {
        expect(c.problems).toEqual([])
      })

      it.skipIf(!c.wrapped)(
        `passes actionlint${c.wrapped ? ` (as ${c.wrapped.shape})` : ' (skipped: it does not parse)'}`,
        () => {
          expect(lint.get(c.lintName)).toEqual([])
        }
      )

      if (c.workflow && steps.length > 0) {
        const expected = c.markers.expectFailure ? `fails with '${c.markers.expectFailure}'` : 'passes'
        it(`runs its ${steps.length} step(s) of this action against the emulator: ${expected}`, async () => {
          const { runs, problems, secrets } = await runExample(c.example.where, c.workflow!, c.markers, context)
          expect(problems).toEqual([])
          for (const run of runs) expectNoSecretLeak(run.result, secrets)
        })
      }
    })
  }
})

describe('the example checks catch', () => {
  it('a yaml block the fence parser misses: it finds the same blocks as marked', () => {
    for (const page of PAGES) {
      const text = readFileSync(join(root, page), 'utf8')
      const fromMarked: string[] = []
      void marked.walkTokens(marked.lexer(text), (token: Token) => {
        if (token.type === 'code' && /^ya?ml\b/.test((token as Tokens.Code).lang ?? ''))
          fromMarked.push((token as Tokens.Code).text)
      })
      expect(
        markdownExamples(text, page).map((e) => e.code.trimEnd()),
        page
      ).toEqual(fromMarked.map((t) => t.trimEnd()))
    }
  })

  it('invalid YAML, at the README line where it is', () => {
    const quick = readmeExample('Quick start')
    const broken = edited(quick.code, '  id: job\n', '  id: job\n        run: echo "a: b"\n')
    const problems = checkExample({ ...quick, code: broken }, contract).problems
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(
      new RegExp(
        `^README.md:${quick.line + lineIndex(quick.code, 'id: job') + 1}:\\d+: invalid YAML: Nested mappings are not` +
          ' allowed' +
          ' in compact mappings$'
      )
    )
  })

  it('a key given twice', () => {
    const twice = edited(
      readmeExample('Quick start').code,
      '    recipe-id: 7\n',
      '    recipe-id: 7\n          recipe-id: 8\n'
    )
    expect(checkExample(example(twice), contract).problems.join('\n')).toMatch(/invalid YAML: Map keys must be unique/)
  })

  it('an input renamed in the example', () => {
    const renamed = edited(readmeExample('Quick start').code, 'recipe-id:', 'recipe_id:')
    expect(checkExample(example(renamed), contract).problems).toEqual([
      "README.md:10: step job of job dataprep: input 'recipe_id' is not declared in action.yml"
    ])
  })

  it('an input renamed in action.yml, and a required input missing', () => {
    const renamed = actionContract(edited(ACTION_YML, '  recipe-id:\n', '  recipe:\n'))
    expect(checkExample(readmeExample('Quick start'), renamed).problems).toEqual([
      `${readmeExample('Quick start').where}: step job of job dataprep: input 'recipe-id' is not declared in action.yml`
    ])
    const missing = edited(readmeExample('Quick start').code, '          api-url: https://api.clouddataprep.com\n', '')
    expect(checkExample(example(missing), contract).problems).toEqual([
      "README.md:10: step job of job dataprep: required input 'api-url' is missing"
    ])
  })

  it('an output action.yml does not declare, and an unpinned version', () => {
    const code = edited(
      readmeExample('Example: a release-time run, using the outputs').code,
      'outputs.job-url',
      'outputs.job-link'
    )
    expect(checkExample(example(code), contract).problems).toEqual([
      'README.md:10: job refresh reads steps.job.outputs.job-link, an output action.yml does not declare'
    ])
    const unpinned = edited(readmeExample('Quick start').code, '@v1', '@main')
    expect(checkExample(example(unpinned), contract).problems.join('\n')).toMatch(
      /pin the action to @v1, @v1.2.3 or a full commit SHA/
    )
  })

  it('a malformed marker and a block that is neither a workflow nor steps', () => {
    const code = `# readme-test: emulater=default\n${readmeExample('Quick start').code}`
    expect(checkExample(example(code), contract).problems.join('\n')).toMatch(
      /malformed marker '# readme-test: emulater=default'/
    )
    expect(checkExample(example('runs-on: ubuntu-latest\n'), contract).problems.join('\n')).toMatch(
      /may only hold workflow keys/
    )
  })

  it('what actionlint finds, at the README line of the example', async () => {
    const quick = readmeExample('Quick start')
    const bad = edited(quick.code, '        with:\n', '        if: ${{ nosuch.value }}\n        with:\n')
    const c = checkExample({ ...quick, code: bad }, contract)
    expect(c.problems).toEqual([])
    const found = await lintExamples([{ example: { ...quick, code: bad }, lintName: 'bad.yml', ...c }])
    expect(found.get('bad.yml')).toEqual([
      expect.stringMatching(
        new RegExp(`^README.md:${quick.line + lineIndex(bad, 'nosuch')}:\\d+ undefined variable "nosuch"`)
      )
    ])
  }, 60_000)

  it('a run that fails unannounced, one announced that fails, and one announced that passes', async () => {
    const quick = readmeExample('Quick start')
    const missing = edited(quick.code, 'recipe-id: 7', 'recipe-id: 999')
    const unmarked = checkExample(example(missing), contract)
    const failing = await runExample('README.md:10', unmarked.workflow!, unmarked.markers, context)
    expect(failing.problems.join('\n')).toMatch(
      /^README.md:10: job dataprep, step job \(exit 1\): ::error.*Recipe 999 was not found/
    )

    const marked = checkExample(example(`# readme-test: expect-failure=Recipe 999 was not found\n${missing}`), contract)
    expect((await runExample('README.md:10', marked.workflow!, marked.markers, context)).problems).toEqual([])

    const wrong = checkExample(example(`# readme-test: expect-failure=Recipe 7 was not found\n${quick.code}`), contract)
    expect((await runExample('README.md:10', wrong.workflow!, wrong.markers, context)).problems).toEqual([
      "README.md:10: the example says it fails with 'Recipe 7 was not found', but every step passed"
    ])
  })

  it('an emulator setup that does not exist, and an expression without a test value', async () => {
    const quick = readmeExample('Quick start')
    const flows = checkExample(example(`# readme-test: emulator=flow\n${quick.code}`), contract)
    expect((await runExample('README.md:10', flows.workflow!, flows.markers, context)).problems).toEqual([
      "README.md:10: unknown emulator setup 'flow' (known: default, flows, plans, failing, aac, quality)"
    ])
    const vars = checkExample(example(edited(quick.code, 'recipe-id: 7', 'recipe-id: ${{ vars.RECIPE }}')), contract)
    expect((await runExample('README.md:10', vars.workflow!, vars.markers, context)).problems).toEqual([
      "README.md:10: job dataprep, step job, input 'recipe-id': no test value for ${{ vars.RECIPE }};" +
        ' give it one in readme-runner.ts'
    ])
  })

  it('an AAC test value outside the aac setup, and a token-endpoint without its token server', async () => {
    const sp = readmeExample('Service principal (preview)')
    const c = checkExample(example(edited(sp.code, '# readme-test: emulator=aac\n', '')), contract)
    const step = 'README.md:10: job example, step #1'
    const fix = "the aac setup has one (# readme-test: emulator=aac), setup 'default' has not"
    expect((await runExample('README.md:10', c.workflow!, c.markers, context)).problems).toEqual([
      `${step}, input 'client-id': no test value for \${{ vars.AAC_CLIENT_ID }}; ${fix}`,
      `${step}, input 'client-secret': no test value for \${{ secrets.AAC_CLIENT_SECRET }}; ${fix}`,
      `${step}: token-endpoint needs the token server of # readme-test: emulator=aac`
    ])
  })

  it("an api-url as written that the action warns about or refuses, though the run uses the emulator's", async () => {
    const quick = readmeExample('Quick start')
    const platform = 'https://api.us1.alteryxcloud.com'
    const warned = checkExample(example(edited(quick.code, 'https://api.clouddataprep.com', platform)), contract)
    expect((await runExample('README.md:10', warned.workflow!, warned.markers, context)).problems).toEqual([
      expect.stringMatching(
        new RegExp(
          '^README.md:10: unexpected warning: ::warning title=Input warning::api-url https://api.us1.alteryxcloud.com' +
            ' is the host of .*/v4 API is served from https://us1.alteryxcloud.com.* \\(api-url as written\\)$'
        )
      )
    ])
    const plain = checkExample(example(edited(quick.code, 'https://', 'http://')), contract)
    expect((await runExample('README.md:10', plain.workflow!, plain.markers, context)).problems).toEqual([
      "README.md:10: job dataprep, step job, input 'api-url' as written: Input 'api-url': plain http is only allowed" +
        ' for loopback hosts; use https://api.clouddataprep.com.'
    ])
  })

  it("write-back with the workflow's GITHUB_TOKEN fails as on GitHub: no access to the public key", async () => {
    const workflow = readmeExample('3. The workflow')
    const code = edited(workflow.code, 'secrets.AAC_SECRETS_TOKEN', 'secrets.GITHUB_TOKEN')
    const failing = checkExample(example(code), contract)
    const { problems } = await runExample('README.md:10', failing.workflow!, failing.markers, context)
    expect(problems).toEqual([
      expect.stringMatching(/^README.md:10: job refresh, step aac \(exit 1\): ::error.*Could not read the public key/)
    ])
  })

  it('a rotated refresh token that was not written back, or not the latest, or not in the output', async () => {
    const tokenServer = await TokenServer.start()
    const github = await FakeGitHub.start({ secrets: { environments: ['production'] } })
    try {
      const first = tokenServer.issueRefreshToken().refreshToken
      // A real rotation: `first` is used up, and the token server's latest refresh token is the new one.
      const answer = await fetch(tokenServer.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: first,
          client_id: tokenServer.clientId
        })
      })
      expect(answer.status).toBe(200)
      const latest = tokenServer.latestRefreshToken!
      expect(latest).not.toBe(first)
      const passed = (inputs: Record<string, string>, outputs: Record<string, string> = {}) => {
        const result: ActionResult = {
          code: 0,
          signal: null,
          stdout: '',
          stderr: '',
          outputs,
          files: { output: '', state: '' },
          summary: '',
          state: {},
          durationMs: 1
        }
        return [{ step: 'aac', inputs: { 'refresh-token': first, ...inputs }, result }]
      }
      const servers = { github, tokenServer }
      const repo = passed({ 'refresh-token-secret': 'AAC_REFRESH_TOKEN' })
      const env = passed({ 'refresh-token-secret': 'production/AAC_REFRESH_TOKEN' })

      expect(refreshTokenProblems('README.md:10', repo, servers)).toEqual([
        'README.md:10: step aac: secret AAC_REFRESH_TOKEN was not written'
      ])
      github.secrets.seedSecret('acme', 'pipelines', 'AAC_REFRESH_TOKEN', first)
      expect(refreshTokenProblems('README.md:10', repo, servers)).toEqual([
        'README.md:10: step aac: secret AAC_REFRESH_TOKEN holds a refresh token that is used, not the latest'
      ])
      github.secrets.seedSecret('acme', 'pipelines', 'AAC_REFRESH_TOKEN', latest)
      expect(refreshTokenProblems('README.md:10', repo, servers)).toEqual([])
      // The repository secret does not stand in for the environment's.
      expect(refreshTokenProblems('README.md:10', env, servers)).toEqual([
        'README.md:10: step aac: secret production/AAC_REFRESH_TOKEN was not written'
      ])
      github.secrets.seedSecret('acme', 'pipelines', 'AAC_REFRESH_TOKEN', latest, 'production')
      expect(refreshTokenProblems('README.md:10', env, servers)).toEqual([])

      expect(refreshTokenProblems('README.md:10', passed({}, { 'refresh-token': first }), servers)).toEqual([
        'README.md:10: step aac: the refresh-token output is not the latest refresh token'
      ])
      expect(refreshTokenProblems('README.md:10', passed({}, { 'refresh-token': latest }), servers)).toEqual([])
      expect(refreshTokenProblems('README.md:10', passed({}), { github })).toEqual([
        'README.md:10: a step signed in with refresh-token, but the token server holds no unused refresh token'
      ])
    } finally {
      await Promise.all([tokenServer.close(), github.close()])
    }
  })

  it('a matrix job: one run per leg with its values, and a matrix the runner cannot model', async () => {
    const matrix = readmeExample('Example: many recipes at once (a matrix)')
    const c = checkExample(matrix, contract)
    const { runs, problems } = await runExample(matrix.where, c.workflow!, c.markers, context)
    expect(problems).toEqual([])
    expect(runs.map((r) => [r.job, r.inputs['recipe-id'], r.result.outputs.status])).toEqual([
      ['refresh (7)', '7', 'Complete'],
      ['refresh (42)', '42', 'Complete']
    ])
    const include = edited(
      matrix.code,
      '        recipe: [7, 42]\n',
      '        recipe: [7, 42]\n        include: [{ recipe: 9 }]\n'
    )
    const i = checkExample(example(include), contract)
    expect((await runExample('README.md:10', i.workflow!, i.markers, context)).problems).toEqual([
      'README.md:10: job refresh: strategy.matrix.include is not supported by the README runner'
    ])
  })

  it('examples inside action.yml descriptions', () => {
    const yml = edited(
      ACTION_YML,
      '    description: Longest delay between status checks.\n',
      '    description: |\n      Longest delay between status checks.\n' +
        '      ```yaml\n      max-poll-interval: 2m\n      ```\n'
    )
    expect(actionYmlExamples(yml)).toEqual([
      expect.objectContaining({
        where: 'action.yml inputs.max-poll-interval.description',
        code: 'max-poll-interval: 2m\n'
      })
    ])
  })
})
