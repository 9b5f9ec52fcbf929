// `npm run local-action [-- [--post] [env-file]]`: run the TypeScript sources (src/main.ts, and with --post then
// src/post.ts) through @github/local-action, on the Node 24 of node_modules/.bin that npm scripts use, the runtime
// action.yml declares. The inputs come from env-file, else .env if it exists, else the committed .env.example
// (which points at `npm run emulator`). local-action stubs @actions/core, so the step summary file that the env
// file names is created first. @github/local-action is a devDependency: `npm ci` installs it.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const BIN = join(root, 'node_modules/@github/local-action/bin/local-action.js')
const USAGE = 'usage: npm run local-action [-- [--post] [env-file]]   (default: .env, else .env.example)'

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

function parseArgs(args: string[]): { post: boolean; envFile: string } {
  let post = false
  let envFile: string | undefined
  for (const arg of args) {
    if (arg === '--post') post = true
    else if (arg.startsWith('-') || envFile !== undefined) fail(`Unexpected argument: ${arg}`)
    else envFile = arg
  }
  envFile ??= existsSync(join(root, '.env')) ? '.env' : '.env.example'
  if (!existsSync(resolve(root, envFile))) fail(`No env file ${envFile}.`)
  return { post, envFile }
}

/** Creates the step summary file the env file names (local-action writes to it but does not create it). */
function prepareSummary(envFile: string): void {
  const line = readFileSync(resolve(root, envFile), 'utf8')
    .split(/\r?\n/)
    .find((l) => /^\s*GITHUB_STEP_SUMMARY\s*=/.test(l))
  if (!line) fail(`${envFile} sets no GITHUB_STEP_SUMMARY; local-action needs a file for the step summary.`)
  const file = resolve(root, line.slice(line.indexOf('=') + 1).trim())
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, '')
}

if (!existsSync(BIN)) {
  console.error(
    '@github/local-action is not installed. It is a devDependency: run `npm ci` (with scripts enabled) in this ' +
      'folder, then `npm run local-action` again.'
  )
  process.exit(1)
}
const { post, envFile } = parseArgs(process.argv.slice(2))
prepareSummary(envFile)
if (envFile === '.env.example') console.log('Inputs from .env.example (copy it to .env to change them).')
// local-action starts tsx through `npm exec`: node_modules/.bin first, so that it, too, runs on this Node.
const path = `${join(root, 'node_modules/.bin')}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`
const args = [BIN, 'run', '.', 'src/main.ts', envFile, ...(post ? ['--post', 'src/post.ts'] : [])]
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, PATH: path } })
// Ctrl-C reaches the child too (same process group): the action cancels its job as on a workflow cancel.
process.on('SIGINT', () => undefined)
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0)
})
