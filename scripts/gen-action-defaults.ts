// Writes src/inputs/action-defaults.ts from action.yml, so that the input defaults are written in one place only.
//   npm run gen            (re)write the file
// A unit test fails when the committed file differs from what this makes.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The generated module's text for the given action.yml text. */
export function actionDefaultsModule(actionYml: string): string {
  const inputs = (parse(actionYml) as { inputs?: Record<string, { default?: unknown }> }).inputs ?? {}
  const entries = Object.entries(inputs)
    .filter(([, spec]) => spec?.default !== undefined && !/\$\{\{/.test(String(spec.default)))
    .map(([name, spec]) => `  ${key(name)}: ${quote(String(spec.default))}`)
  return [
    '// Generated from action.yml by scripts/gen-action-defaults.ts (npm run gen): do not edit.',
    '/** The defaults action.yml declares, used when an input is given empty (the runner fills them in otherwise). */',
    'export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {',
    entries.join(',\n'),
    '}',
    ''
  ].join('\n')
}

// Written as prettier writes it (.prettierrc.json), so that formatting src/ leaves the generated file unchanged.
function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name)
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = actionDefaultsModule(readFileSync(join(root, 'action.yml'), 'utf8'))
  writeFileSync(join(root, 'src/inputs/action-defaults.ts'), text)
  console.log('wrote src/inputs/action-defaults.ts')
}
