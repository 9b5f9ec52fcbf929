// The upload-artifact step of docs/results.md runs in the README tests: it must be pinned, run `if: always()`, and its
// must name the folder the action wrote (with result.json). Each of these checks catches its mistake.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { actionlint } from '../support/actionlint.ts'
import { actionContract, checkExample, markdownExamples } from '../support/readme-examples.ts'
import { API_TOKEN } from '../support/fake-tokens.ts'
import { runExample } from '../support/readme-runner.ts'
import { UPLOAD_ARTIFACT } from '../support/readme-upload.ts'

const root = resolve(import.meta.dirname, '../..')
const contract = actionContract(readFileSync(join(root, 'action.yml'), 'utf8'))
const DOCS = readFileSync(join(root, 'docs/results.md'), 'utf8')
const code = markdownExamples(DOCS, 'docs/results.md')[0]!.code

async function problemsOf(text: string): Promise<string[]> {
  const checked = checkExample({ where: 'README.md:10', file: 'README.md', line: 10, title: 'x', code: text }, contract)
  expect(checked.problems).toEqual([])
  return (await runExample('README.md:10', checked.workflow!, checked.markers, { token: API_TOKEN })).problems
}

describe('the upload-artifact step of docs/results.md', () => {
  it('uploads the report folder of the failed run', async () => {
    expect(code).toContain('actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0')
    expect(await problemsOf(code)).toEqual([])
  })

  it('without if: always(): the test says so, after a failed run and after one that passed', async () => {
    expect(await problemsOf(code.replace('  if: always()\n', ''))).toEqual([
      "README.md:10: job example, step #2: the upload needs if: always(), to keep a failed run's logs"
    ])
    const passing = code
      .replace('# readme-test: expect-failure=Column amount is missing\n', '')
      .replace('failing', 'default')
    expect(await problemsOf(passing.replace('  if: always()\n', ''))).toEqual([
      "README.md:10: job example, step #2: the upload needs if: always(), to keep a failed run's logs"
    ])
  })

  it('unpinned, or with a path that is not the report folder', async () => {
    const problems = await problemsOf(
      code.replace('@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', '@v7').replace('outputs.report-dir', 'outputs.job-id')
    )
    expect(problems).toEqual([
      `README.md:10: job example, step #2: pin actions/upload-artifact as ${UPLOAD_ARTIFACT}`,
      "README.md:10: job example, step #2: upload-artifact's path '4100' is not a folder the action wrote"
    ])
  })
})

describe('docs/results.md', () => {
  it('has the one example, which passes actionlint', async () => {
    expect(markdownExamples(DOCS, 'docs/results.md')).toHaveLength(1)
    const wrapped = checkExample(
      { where: 'docs/results.md', file: 'docs/results.md', line: 1, title: 'x', code },
      contract
    )
    expect(await actionlint({ 'results.yml': wrapped.wrapped!.text })).toEqual([])
  })
})
