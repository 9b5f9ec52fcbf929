// The README's workflow examples: every yaml block parses, and every step that uses this action gives only
// inputs that action.yml declares, so a copied example does not fail on a misspelt input.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments, parse } from 'yaml'

const root = resolve(import.meta.dirname, '../..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
const declared = Object.keys((parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: object }).inputs)

/** Every object in `value` that has `uses:` naming this action. */
function actionSteps(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(actionSteps)
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  const own = typeof record.uses === 'string' && record.uses.includes('trifacta-run-job-action') ? [record] : []
  return [...own, ...Object.values(record).flatMap(actionSteps)]
}

describe('README examples', () => {
  it('include the flow and plan sections', () => {
    expect(readme).toMatch(/^## Run a flow$/m)
    expect(readme).toMatch(/^## Run a plan$/m)
    expect(blocks.length).toBeGreaterThanOrEqual(6)
  })

  it.each(blocks.map((block, i) => [i + 1, block] as const))('yaml block %i parses', (_, block) => {
    for (const doc of parseAllDocuments(block)) expect(doc.errors.map((e) => e.message)).toEqual([])
  })

  it('give only declared inputs to the action', () => {
    const steps = blocks.flatMap((block) => actionSteps(parse(block)))
    expect(steps.length).toBeGreaterThanOrEqual(6)
    for (const step of steps) {
      const inputs = Object.keys((step.with ?? {}) as object)
      expect(inputs.filter((name) => !declared.includes(name)), JSON.stringify(step)).toEqual([])
    }
  })
})
