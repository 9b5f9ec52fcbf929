// The repository's own workflows: they pass actionlint, every action they use is pinned by a full commit SHA with
// its version in a comment (what Dependabot reads and updates), they take Node from .node-version, which is the
// major of the runtime action.yml declares, and Dependabot updates npm and the actions weekly, grouped.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { actionlint } from '../support/actionlint.ts'

const root = resolve(import.meta.dirname, '../..')
const dir = join(root, '.github/workflows')
const workflows = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')])
)
/** `owner/repo[/path]@<40 hex> # v1.2.3`: a full SHA, and the version it is, for a reader and for Dependabot. */
const PINNED = /^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/

interface Use {
  file: string
  line: number
  text: string
}

/** Every `uses:` line of a workflow text, with its trailing comment (parsing YAML would drop the comment). */
function usesLines(file: string, text: string): Use[] {
  return text.split('\n').flatMap((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(.*?)\s*$/.exec(line)
    return m ? [{ file, line: i + 1, text: m[1]!.replace(/^(['"])(.*)\1/, '$2') }] : []
  })
}

/** The uses that are not pinned: a local action (`./…`) is the repository's own and needs no pin. */
function unpinned(uses: Use[]): string[] {
  return uses
    .filter((u) => !u.text.startsWith('./') && !PINNED.test(u.text))
    .map((u) => `${u.file}:${u.line}: ${u.text}`)
}

function steps(text: string): Record<string, unknown>[] {
  const workflow = parse(text) as { jobs: Record<string, { steps?: Record<string, unknown>[] }> }
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? [])
}

describe("the repository's workflows", () => {
  it('are there: CI, check-dist, release and CodeQL', () => {
    expect(Object.keys(workflows)).toEqual(['check-dist.yml', 'ci.yml', 'codeql.yml', 'release.yml'])
  })

  it('pass actionlint', async () => {
    expect(await actionlint(workflows)).toEqual([])
  }, 60_000)

  it('pin every action by a full commit SHA, with its version in a comment', () => {
    const uses = Object.entries(workflows).flatMap(([file, text]) => usesLines(file, text))
    expect(uses.length).toBeGreaterThan(8)
    expect(unpinned(uses)).toEqual([])
  })

  it('the pin check catches a tag, a short SHA and a missing version comment', () => {
    const text = [
      '      - uses: actions/checkout@v7',
      '      - uses: actions/setup-node@8207627',
      '      - uses: actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
      "        uses: 'github/codeql-action/init@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2'",
      '      - uses: ./'
    ].join('\n')
    expect(unpinned(usesLines('x.yml', text))).toEqual([
      'x.yml:1: actions/checkout@v7',
      'x.yml:2: actions/setup-node@8207627',
      'x.yml:3: actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f'
    ])
  })

  it('one version of each action across the workflows', () => {
    const refs = new Map<string, Set<string>>()
    for (const [file, text] of Object.entries(workflows)) {
      for (const u of usesLines(file, text).filter((x) => !x.text.startsWith('./'))) {
        const action = u.text.split('@')[0]!.split('/').slice(0, 2).join('/')
        refs.set(action, (refs.get(action) ?? new Set()).add(u.text.split('@')[1]!))
      }
    }
    expect([...refs].filter(([, r]) => r.size > 1)).toEqual([])
  })

  it('take Node from .node-version, the major of the runtime action.yml declares', () => {
    const version = readFileSync(join(root, '.node-version'), 'utf8').trim()
    const runtime = /^\s*using:\s*node(\d+)\s*$/m.exec(readFileSync(join(root, 'action.yml'), 'utf8'))?.[1]
    expect(version).toBe(runtime)
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } }
    expect(pkg.engines?.node).toBe(`>=${runtime}`)
    for (const [file, text] of Object.entries(workflows)) {
      for (const step of steps(text).filter((s) => String(s.uses ?? '').startsWith('actions/setup-node@'))) {
        expect(step.with, file).toMatchObject({ 'node-version-file': '.node-version' })
        expect(step.with, file).not.toHaveProperty('node-version')
      }
    }
  })
})

describe('Dependabot', () => {
  it('updates npm packages and GitHub Actions weekly, in groups', () => {
    const config = parse(readFileSync(join(root, '.github/dependabot.yml'), 'utf8')) as {
      version: number
      updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: object }[]
    }
    expect(config.version).toBe(2)
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const update of config.updates) {
      expect(update.schedule.interval).toBe('weekly')
      expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0)
    }
  })
})
