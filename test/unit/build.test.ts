// The committed bundle and metadata match the sources: what the runner runs is what the tests test.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

describe('build', () => {
  it('dist/ is byte for byte what npm run bundle makes from the committed sources', () => {
    const out = mkdtempSync(join(tmpdir(), 'bundle-'))
    try {
      execFileSync('bash', [join(root, '.ci/bundle'), out], { cwd: root, stdio: 'pipe' })
      const built = readdirSync(out, { recursive: true, encoding: 'utf8' })
        .filter((f) => !statSync(join(out, f)).isDirectory())
        .sort()
      const committed = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter(
        (f) => !statSync(join(root, 'dist', f)).isDirectory()
      )
      expect(committed.sort()).toEqual(built)
      expect(built).toContain(join('post', 'index.js'))
      for (const file of built) {
        expect(
          readFileSync(join(root, 'dist', file)).equals(readFileSync(join(out, file))),
          `dist/${file} is stale: run npm run bundle`
        ).toBe(true)
      }
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 120_000)

  it('the tests run on Node 24, the runtime action.yml declares', () => {
    expect(readFileSync(join(root, 'action.yml'), 'utf8')).toMatch(/using: node24/)
    expect(process.versions.node.split('.')[0]).toBe('24')
  })
})
