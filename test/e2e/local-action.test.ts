// `npm run local-action` runs the TypeScript sources through @github/local-action (a devDependency) on the Node of
// node_modules/.bin, with the inputs of an env file: here the committed .env.example's, pointed at an emulator on a
// free port. It passes a job to Complete and prints the outputs local-action collected; a missing env file is an
// error that shows the usage.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { emulator } from '../support/e2e.ts'
import { EMULATOR_TOKEN } from '../support/fake-tokens.ts'

const root = resolve(import.meta.dirname, '../..')
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function localAction(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['scripts/local-action.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' }
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('exit', (code) => resolvePromise({ code, output }))
  })
}

describe('npm run local-action', () => {
  it('.env.example points at npm run emulator with its token, and names a step summary file', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8')
    expect(example).toMatch(/^INPUT_API-URL=http:\/\/127\.0\.0\.1:8950$/m)
    expect(example).toMatch(new RegExp(`^INPUT_API-TOKEN=${EMULATOR_TOKEN}$`, 'm'))
    expect(example).toMatch(/^INPUT_RECIPE-ID=7$/m)
    expect(example).toMatch(/^GITHUB_STEP_SUMMARY=\S+$/m)
  })

  it('runs src/main.ts and then src/post.ts with the inputs of the env file: the job completes', async () => {
    const e = await emulator({ token: EMULATOR_TOKEN, scenario: { durationMs: 1500 } })
    const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
    dirs.push(dir)
    const envFile = join(dir, 'inputs.env')
    const summary = join(dir, 'summary.md')
    const example = readFileSync(join(root, '.env.example'), 'utf8')
    writeFileSync(
      envFile,
      example
        .replace('http://127.0.0.1:8950', e.url)
        .replace(/^GITHUB_STEP_SUMMARY=.*$/m, `GITHUB_STEP_SUMMARY=${summary}`)
    )
    const { code, output } = await localAction(['--post', envFile])
    expect(code, output).toBe(0)
    expect(output).toMatch(/│\s*\d+\s*│\s*'status'\s*│\s*'Complete'\s*│/)
    expect(output).toContain('Running Post Step')
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(1)
    expect(readFileSync(summary, 'utf8')).toContain('✅ completed')
  }, 90_000)

  it('a missing env file: exit 2 with the usage', async () => {
    const { code, output } = await localAction(['no-such.env'])
    expect(code).toBe(2)
    expect(output).toContain('No env file no-such.env.')
    expect(output).toContain('usage: npm run local-action')
  })
})
