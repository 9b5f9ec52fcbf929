// The README is the one screen plus the reference: its inputs and outputs tables say what action.yml says (the
// same names, required flags, defaults and descriptions), the minimal workflow is on the first screen, the set-up
// commands are near the end, and every docs/ page is linked. Every relative link of the README, the docs/ pages and
// the repository's other Markdown files leads to a file that exists, and to a heading that exists in it.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, resolve } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { fencedBlocks, markdownExamples, markers } from '../support/readme-examples.ts'

const root = resolve(import.meta.dirname, '../..')
const read = (file: string): string => readFileSync(join(root, file), 'utf8')
const README = read('README.md')
const DOCS = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => `docs/${f}`)
const MARKDOWN = ['README.md', ...DOCS, 'CONTRIBUTING.md', 'SECURITY.md', 'ARCHITECTURE.md', 'CHANGELOG.md']
const action = parse(read('action.yml')) as {
  description: string
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}
/** The first screen a reader sees on GitHub, in lines. */
const FIRST_SCREEN = 60

/** The rows of the first table after `## <heading>`, as cells (a `\|` inside a cell is kept). */
function tableRows(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.indexOf(`## ${heading}`)
  expect(start, `README has no '## ${heading}'`).toBeGreaterThanOrEqual(0)
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'))
  const rows: string[][] = []
  for (let i = first + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(
      lines[i]!.slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim())
    )
  }
  return rows
}

/** Text as a reader sees it: no backticks, link text without its target, single spaces. */
function plain(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replaceAll('`', '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return plain(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-')
}

function anchors(markdown: string): Set<string> {
  const inCode = new Set(fencedBlocks(markdown).flatMap((b) => b.code.split('\n')))
  const found = new Set<string>()
  for (const line of markdown.split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*$/.exec(line)
    if (m && !inCode.has(line)) found.add(slug(m[1]!))
  }
  return found
}

describe('the README as reference', () => {
  it('the inputs table says what action.yml says: names, required, defaults and descriptions', () => {
    const rows = tableRows(README, 'Inputs')
    // The same set (a row may sit where it reads best, e.g. beside its related inputs).
    expect(rows.map((r) => r[0]!.replaceAll('`', '')).sort()).toEqual(Object.keys(action.inputs).sort())
    for (const [name, required, defaultValue, description] of rows) {
      const spec = action.inputs[name!.replaceAll('`', '')]!
      const where = `input ${name}`
      expect(required, where).toBe(spec.required ? 'yes' : 'no')
      expect(plain(defaultValue!), where).toBe(spec.default ?? '')
      expect(plain(description!), where).toBe(plain(spec.description))
    }
  })

  it('the outputs table says what action.yml says', () => {
    const rows = tableRows(README, 'Outputs')
    expect(rows.map((r) => r[0]!.replaceAll('`', '')).sort()).toEqual(Object.keys(action.outputs).sort())
    for (const [name, description] of rows) {
      expect(plain(description!), `output ${name}`).toBe(plain(action.outputs[name!.replaceAll('`', '')]!.description))
    }
  })

  it("action.yml's description fits the Marketplace's 125 characters", () => {
    expect(action.description.length).toBeLessThanOrEqual(125)
  })

  it('the first screen holds what the action does, the editions and a complete minimal workflow', () => {
    const first = README.split('\n').slice(0, FIRST_SCREEN).join('\n')
    for (const edition of ['Google Cloud Dataprep', 'Alteryx Analytics Cloud', 'Trifacta'])
      expect(first).toContain(edition)
    const quick = markdownExamples(README, 'README.md')[0]!
    const workflow = parse(quick.code) as Record<string, unknown>
    expect(Object.keys(workflow)).toEqual(expect.arrayContaining(['on', 'jobs']))
    expect(quick.line + quick.code.split('\n').length).toBeLessThanOrEqual(FIRST_SCREEN)
  })

  it('keeps, near its end, the commands that set everything up on a fresh clone', () => {
    const lines = README.split('\n')
    const tail = lines.slice(-Math.ceil(lines.length / 5)).join('\n')
    expect(tail).toMatch(/^npm ci && npm run demo\b/m)
    expect(tail).toMatch(/^npm test\b/m)
  })

  it('links every docs/ page', () => {
    for (const page of DOCS) expect(README, page).toContain(`](${page}`)
  })
})

describe('the docs', () => {
  it('every relative link leads to a file that exists, and to a heading in it', () => {
    const broken: string[] = []
    for (const file of MARKDOWN) {
      const text = read(file)
      const code = new Set(fencedBlocks(text).flatMap((b) => b.code.split('\n')))
      for (const line of text.split('\n').filter((l) => !code.has(l))) {
        for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^[a-z]+:/.test(target!)) continue
          const [path, anchor] = target!.split('#')
          const to = path ? normalize(join(dirname(file), path)) : file
          if (!existsSync(join(root, to))) broken.push(`${file}: ${target} (no ${to})`)
          else if (anchor && to.endsWith('.md') && !anchors(read(to)).has(anchor)) {
            broken.push(`${file}: ${target} (no heading #${anchor} in ${to})`)
          }
        }
      }
    }
    expect(broken).toEqual([])
  })

  it('a page whose examples need an emulator setup says which: npm run emulator -- <setup>', () => {
    const missing: string[] = []
    for (const file of ['README.md', ...DOCS]) {
      const text = read(file)
      for (const example of markdownExamples(text, file)) {
        const setup = markers(example.code).markers.emulator
        if (setup !== 'default' && !text.includes(`npm run emulator -- ${setup}`)) {
          missing.push(`${example.where} needs '${setup}'`)
        }
      }
    }
    expect(missing).toEqual([])
  })
})
