// action.yml and the code agree: the same inputs and outputs, and the defaults generated from action.yml are current.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { actionDefaultsModule } from '../../scripts/gen-action-defaults.ts'
import { INPUT, OUTPUT } from '../../src/inputs/action-spec.ts'

const root = resolve(import.meta.dirname, '../..')
const actionYml = readFileSync(join(root, 'action.yml'), 'utf8')
const action = parse(actionYml) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }

describe('action.yml and the code', () => {
  it('declare exactly the same inputs', () => {
    expect(Object.values(INPUT).sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it('declare exactly the same outputs', () => {
    expect(Object.values(OUTPUT).sort()).toEqual(Object.keys(action.outputs).sort())
  })

  it('src/inputs/action-defaults.ts is what npm run gen makes from action.yml', () => {
    expect(readFileSync(join(root, 'src/inputs/action-defaults.ts'), 'utf8')).toBe(actionDefaultsModule(actionYml))
  })

  it('no source file names an input or output by a string literal outside action-spec.ts', () => {
    const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('action-spec.ts')
    )
    expect(files).toContain('run/publish.ts')
    for (const file of files) {
      const text = readFileSync(join(root, 'src', file), 'utf8')
      expect(text, file).not.toMatch(/getInput\('|setOutput\('/)
    }
  })
})
