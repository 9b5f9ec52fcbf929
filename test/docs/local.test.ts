// The shell snippets of docs/local.md ("Trying it locally") run as a reader runs them: bash, in the repository's
// folder, against `npm run emulator -- <setup>` (scripts/emulator.ts, on a free port instead of 8950), with the
// committed dist/. The default setup runs a job and then a post step that cancels one; flows, plans and aac run the
// examples of their pages by hand, aac with the `aac=(…)` line the emulator prints.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fencedBlocks } from '../support/readme-examples.ts'

const root = resolve(import.meta.dirname, '../..')
const LOCAL = readFileSync(join(root, 'docs/local.md'), 'utf8')
const blocks = fencedBlocks(LOCAL).filter((b) => b.lang === 'sh')

interface Served {
  url: string
  output: () => string
}

const started: { server: ChildProcess; dir: string }[] = []

/** `npm run emulator -- <setup> 0`, until it says where it listens. */
async function serve(setup: string): Promise<Served> {
  const server = spawn(process.execPath, ['scripts/emulator.ts', setup, '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  started.push({ server, dir: mkdtempSync(join(tmpdir(), 'local-snippet-')) })
  let output = ''
  const url = await new Promise<string>((resolvePromise, reject) => {
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const m = /listening on (http:\/\/[\w.:[\]-]+)/.exec(output)
      if (m && (setup !== 'aac' || /^A refresh token works once/m.test(output))) resolvePromise(m[1]!)
    })
    server.once('exit', (code) => reject(new Error(`npm run emulator exited (${code}): ${output}`)))
  })
  return { url, output: () => output }
}

/** Runs the snippets as one bash script, the emulator's URL in place of the documented one. */
function runSnippets(code: string, url: string): { status: number | null; stdout: string; stderr: string } {
  const script = code.replaceAll('http://127.0.0.1:8950', url)
  const env = { ...process.env, TMPDIR: started.at(-1)!.dir }
  return spawnSync('bash', ['-e', '-c', script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })
}

/** The snippets under a heading of docs/local.md that run `dist/`. */
function snippets(heading: string): string[] {
  const found = blocks.filter((b) => b.heading === heading && b.code.includes('dist/')).map((b) => b.code)
  expect(found.length, `snippets under '${heading}'`).toBeGreaterThan(0)
  return found
}

afterEach(async () => {
  for (const { server, dir } of started.splice(0)) {
    const exited = server.exitCode === null ? once(server, 'exit') : Promise.resolve()
    server.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
})

describe('docs/local.md, run by hand', () => {
  const [first, post] = snippets('The bundled action, as the runner runs it')
  /** The lines of the first snippet that make the files and the `step` inputs, which the later snippets reuse. */
  const setup = first!.slice(0, first!.indexOf('\nenv ') + 1)

  it('npm run emulator: a job, then a post step that cancels the job of a killed main step', async () => {
    const { url } = await serve('default')
    const r = runSnippets(first! + post!, url)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^status<<(ghadelimiter_\S+)\nComplete\n\1$/m)
    expect(r.stdout).toContain('### Job 4100 ✅ completed')
    expect(r.stdout).toContain(
      '::warning title=Cancelling job::The main step stopped before job 4101 finished (the workflow was probably' +
        ' cancelled); cancelling it.'
    )
    expect(r.stdout).toContain('Job 4101 was cancelled by the post step')
    expect(r.stdout).toMatch(/Status now: Canceled/)
  }, 60_000)

  it('npm run emulator -- flows: the flow of docs/flows-and-plans.md', async () => {
    const { url } = await serve('flows')
    const r = runSnippets(setup + snippets('A flow or a plan')[0]!, url)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^flow-run-id<<(ghadelimiter_\S+)\n\d+\n\1$/m)
    expect(r.stdout).toMatch(/^job-ids<<(ghadelimiter_\S+)\n\[\d+,\d+\]\n\1$/m)
  }, 60_000)

  it('npm run emulator -- plans: the plan of docs/flows-and-plans.md', async () => {
    const { url } = await serve('plans')
    const r = runSnippets(setup + snippets('A flow or a plan')[1]!, url)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^plan-run-id<<(ghadelimiter_\S+)\n\d+\n\1$/m)
    expect(r.stdout).toMatch(/^status<<(ghadelimiter_\S+)\nComplete\n\1$/m)
  }, 60_000)

  it('npm run emulator -- aac: the AAC example with the printed inputs, twice, and the service principal', async () => {
    const served = await serve('aac')
    const aac = /^aac=\(.*\)$/m.exec(served.output())![0]
    const sp = /^The service principal's: (sp=\(.*\))$/m.exec(served.output())![1]!
    const [run] = snippets('Alteryx Analytics Cloud sign-in')
    const once = runSnippets(`${setup}${aac}\n${run}`, served.url)
    expect(once.status, once.stdout + once.stderr).toBe(0)
    expect(once.stdout).toMatch(/^status<<(ghadelimiter_\S+)\nComplete\n\1$/m)
    // The rotated refresh token, as the emulator prints it for the next run.
    await expect.poll(() => /^aac\+=\(.*\)$/m.test(served.output()), { timeout: 5000 }).toBe(true)
    const next = /^aac\+=\(.*\)$/m.exec(served.output())![0]
    const twice = runSnippets(`${setup}${aac}\n${next}\n${run}`, served.url)
    expect(twice.status, twice.stdout + twice.stderr).toBe(0)
    // Without the printed line, the first refresh token is used up: the run fails, as a stale secret would.
    const stale = runSnippets(`${setup}${aac}\n${run}`, served.url)
    expect(stale.status).not.toBe(0)
    expect(stale.stdout).toContain('invalid_grant')
    const principal = runSnippets(
      `${setup}${aac}\n${sp}\n${run!.replace('"${aac[@]}"', '"${aac[@]}" "${sp[@]}"')}`,
      served.url
    )
    expect(principal.status, principal.stdout + principal.stderr).toBe(0)
  }, 90_000)
})
