// The release scripts (scripts/release/) and the workflows that run them: the tag/version check, the release
// notes taken from CHANGELOG.md, the dist/ check, and the move of the major tag, tried on real local git
// repositories (a bare repository in a temp folder plays "origin"; no network). The workflows pass actionlint.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import { changelogNotes } from '../../scripts/release/changelog-notes.ts'
import { packageVersion, versionProblem } from '../../scripts/release/check-version.ts'
import { compareReleaseTags, majorTag, moveMajorTag } from '../../scripts/release/move-major-tag.ts'
import { actionlint } from '../support/actionlint.ts'

const root = resolve(import.meta.dirname, '../..')
const WORKFLOWS = join(root, '.github/workflows')
/** git without the machine's configuration, with an identity for the commits the tests make. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release-test@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release-test@example.com'
}

const tempDirs: string[] = []
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'release-test-'))
  tempDirs.push(dir)
  return dir
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

/** Runs a script of scripts/release/ as the workflow does (Node 24 strips the types). */
function script(name: string, args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const file = join(root, 'scripts/release', name)
  const command = name.endsWith('.sh') ? 'bash' : process.execPath
  const r = spawnSync(command, [file, ...args], { cwd, env: GIT_ENV, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('check-version: the tag is v + package.json version', () => {
  it('accepts v + the version, and nothing else', () => {
    expect(versionProblem('v1.2.3', '1.2.3')).toBeUndefined()
    expect(versionProblem('v1.2.4', '1.2.3')).toBe(
      "the tag 'v1.2.4' does not match package.json's version: expected 'v1.2.3'"
    )
    expect(versionProblem('1.2.3', '1.2.3')).toMatch(/expected 'v1.2.3'/)
    expect(versionProblem('v1.2.3-rc.1', '1.2.3-rc.1')).toMatch(/pre-releases are not released by this workflow/)
    expect(versionProblem('v01.2.3', '01.2.3')).toMatch(/is not MAJOR.MINOR.PATCH/)
  })

  it('reads package.json, and as a script fails the step with an error annotation', () => {
    const version = packageVersion(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(() => packageVersion('{"name": "x"}')).toThrow('package.json has no version')
    expect(script('check-version.ts', [`v${version}`])).toMatchObject({ code: 0 })
    const wrong = script('check-version.ts', ['v0.0.1'])
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain(`::error title=Release version::the tag 'v0.0.1' does not match package.json's`)
  })
})

describe('changelog-notes: the section of one version', () => {
  const CHANGELOG = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '- Not yet.',
    '',
    '## [1.1.0] - 2026-12-01',
    '',
    '### Added',
    '',
    '- A long item that was wrapped',
    '  over two lines, see [#12].',
    '  - a nested item',
    '',
    '```yaml',
    'with:',
    '  wait: false',
    '```',
    '',
    '### Fixed',
    'A paragraph right under its heading,',
    'wrapped.',
    '',
    '## [1.0.0] - 2026-11-26',
    '',
    '- The first release.',
    '',
    '[Unreleased]: https://example.com/compare/v1.1.0...HEAD',
    '[1.1.0]: https://example.com/releases/tag/v1.1.0',
    '[#12]: https://example.com/issues/12'
  ].join('\n')

  it('takes only that section, joins wrapped lines, keeps code and the link definitions it uses', () => {
    expect(changelogNotes(CHANGELOG, '1.1.0')).toBe(
      [
        '### Added',
        '',
        '- A long item that was wrapped over two lines, see [#12].',
        '  - a nested item',
        '',
        '```yaml',
        'with:',
        '  wait: false',
        '```',
        '',
        '### Fixed',
        'A paragraph right under its heading, wrapped.',
        '',
        '[#12]: https://example.com/issues/12',
        ''
      ].join('\n')
    )
    expect(changelogNotes(CHANGELOG, '1.0.0')).toBe('- The first release.\n')
  })

  it('fails when the version has no section, or an empty one', () => {
    expect(() => changelogNotes(CHANGELOG, '1.2.0')).toThrow("CHANGELOG.md has no section '## [1.2.0]'")
    expect(() => changelogNotes(CHANGELOG, '1.1')).toThrow("no section '## [1.1]'")
    expect(() => changelogNotes('## [2.0.0] - 2027-01-01\n\n## [1.0.0]\n- x\n', '2.0.0')).toThrow('is empty')
  })

  it("CHANGELOG.md has notes for package.json's version, which the script prints for the tag", () => {
    const version = packageVersion(readFileSync(join(root, 'package.json'), 'utf8'))
    const notes = changelogNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), version)
    expect(notes.length).toBeGreaterThan(100)
    expect(readFileSync(join(root, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[Unreleased\]$/m)
    expect(script('changelog-notes.ts', [`v${version}`])).toMatchObject({ code: 0, stdout: notes })
    expect(script('changelog-notes.ts', ['v0.0.1'])).toMatchObject({ code: 1 })
  })
})

describe('check-dist: dist/ is the build of the committed sources', () => {
  /** A repository whose `npm run bundle` copies src/ to dist/, committed with a matching dist/. */
  function repository(): string {
    const dir = tempDir()
    mkdirSync(join(dir, 'src'))
    mkdirSync(join(dir, 'scripts/release'), { recursive: true })
    writeFileSync(join(dir, 'scripts/release/check-dist.sh'), readFileSync(join(root, 'scripts/release/check-dist.sh')))
    const bundle = 'rm -rf dist && mkdir dist && cp src/* dist/'
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { bundle } }))
    writeFileSync(join(dir, 'src/index.js'), 'console.log(1)\n')
    git(dir, 'init', '--quiet', '-b', 'main')
    execFileSync('npm', ['run', '--silent', 'bundle'], { cwd: dir })
    git(dir, 'add', '.')
    git(dir, 'commit', '--quiet', '-m', 'sources and their bundle')
    return dir
  }

  const checkDist = (dir: string): ReturnType<typeof script> => {
    const r = spawnSync('bash', ['scripts/release/check-dist.sh'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  it('passes when the build equals the committed dist/', () => {
    expect(checkDist(repository())).toMatchObject({ code: 0, stdout: expect.stringContaining('dist/ is the build') })
  })

  it('fails when the sources changed without a new build, or the build adds a file', () => {
    const changed = repository()
    writeFileSync(join(changed, 'src/index.js'), 'console.log(2)\n')
    git(changed, 'commit', '--quiet', '-am', 'change the sources only')
    expect(checkDist(changed)).toMatchObject({ code: 1, stdout: expect.stringContaining('::error title=Stale dist::') })

    const added = repository()
    writeFileSync(join(added, 'src/extra.js'), 'export {}\n')
    git(added, 'add', 'src/extra.js')
    git(added, 'commit', '--quiet', '-m', 'a new source file')
    expect(checkDist(added)).toMatchObject({ code: 1, stdout: expect.stringContaining('?? dist/extra.js') })
  })
})

describe('move-major-tag: v1 follows the newest v1.x.y', () => {
  it('names the major tag and orders versions numerically', () => {
    expect(majorTag('v1.2.3')).toBe('v1')
    expect(majorTag('v12.0.0')).toBe('v12')
    expect(() => majorTag('v1.2')).toThrow('not a release tag')
    expect(() => majorTag('1.2.3')).toThrow('not a release tag')
    expect(compareReleaseTags('v1.10.0', 'v1.9.9')).toBeGreaterThan(0)
    expect(compareReleaseTags('v1.0.1', 'v1.1.0')).toBeLessThan(0)
    expect(compareReleaseTags('v2.0.0', 'v2.0.0')).toBe(0)
  })

  /** A bare "origin" and a clone of it with one commit tagged v1.0.0 (pushed). */
  function repositories(): { origin: string; work: string } {
    const dir = tempDir()
    const origin = join(dir, 'origin.git')
    const work = join(dir, 'work')
    git(dir, 'init', '--quiet', '--bare', '-b', 'main', origin)
    git(dir, 'clone', '--quiet', origin, work)
    commitAndTag(work, 'v1.0.0')
    return { origin, work }
  }

  /** Commits on the current branch and pushes the commit and a release tag on it, as a maintainer does. */
  function commitAndTag(work: string, tag: string): string {
    writeFileSync(join(work, 'file.txt'), `${tag}\n`)
    git(work, 'add', 'file.txt')
    git(work, 'commit', '--quiet', '-m', `release ${tag}`)
    git(work, 'tag', '-a', tag, '-m', tag)
    git(work, 'push', '--quiet', 'origin', 'HEAD', `refs/tags/${tag}`)
    return git(work, 'rev-parse', 'HEAD')
  }

  const remoteTag = (origin: string, tag: string): string =>
    git(origin, 'rev-parse', '--verify', `refs/tags/${tag}^{commit}`)

  it('creates v1 on the first release, moves it forward on the next, in the clone and in origin', () => {
    const { origin, work } = repositories()
    const first = git(work, 'rev-parse', 'HEAD')
    expect(moveMajorTag('v1.0.0', { cwd: work })).toEqual({
      major: 'v1',
      commit: first,
      moved: true,
      message: `v1 now points at ${first} (v1.0.0)`
    })
    expect(remoteTag(origin, 'v1')).toBe(first)

    const second = commitAndTag(work, 'v1.1.0')
    expect(moveMajorTag('v1.1.0', { cwd: work })).toMatchObject({ moved: true, commit: second })
    expect(remoteTag(origin, 'v1')).toBe(second)
    expect(git(work, 'rev-parse', 'refs/tags/v1^{commit}')).toBe(second)
    // The release tags themselves never move.
    expect(remoteTag(origin, 'v1.0.0')).toBe(first)
  })

  it('leaves v1 on the newest release when a fix of an older minor is released, and starts v2 apart', () => {
    const { origin, work } = repositories()
    const first = git(work, 'rev-parse', 'HEAD')
    const newest = commitAndTag(work, 'v1.1.0')
    moveMajorTag('v1.1.0', { cwd: work })
    git(work, 'checkout', '--quiet', '-b', 'fix-1.0', first)
    commitAndTag(work, 'v1.0.1')
    expect(moveMajorTag('v1.0.1', { cwd: work })).toMatchObject({
      moved: false,
      message: 'v1 stays: v1.1.0 is newer than v1.0.1'
    })
    expect(remoteTag(origin, 'v1')).toBe(newest)

    git(work, 'checkout', '--quiet', 'main')
    const major = commitAndTag(work, 'v2.0.0')
    expect(moveMajorTag('v2.0.0', { cwd: work })).toMatchObject({ major: 'v2', moved: true })
    expect(remoteTag(origin, 'v2')).toBe(major)
    expect(remoteTag(origin, 'v1')).toBe(newest)
  })

  it('sees the tags origin has even when the clone lacks them (a shallow CI checkout)', () => {
    const { origin, work } = repositories()
    const newest = commitAndTag(work, 'v1.1.0')
    moveMajorTag('v1.1.0', { cwd: work })
    git(work, 'tag', '-d', 'v1.1.0', 'v1')
    expect(moveMajorTag('v1.0.0', { cwd: work })).toMatchObject({ moved: false })
    expect(remoteTag(origin, 'v1')).toBe(newest)
  })

  it('as a script, fails the step on a tag that does not exist', () => {
    const { work } = repositories()
    expect(script('move-major-tag.ts', ['v1.0.0'], work)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^v1 now points at/)
    })
    const missing = script('move-major-tag.ts', ['v1.9.0'], work)
    expect(missing.code).toBe(1)
    expect(missing.stdout).toMatch(/^::error title=Major tag::/)
  })
})

describe('workflows', () => {
  it('every workflow passes actionlint', async () => {
    const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))
    expect(files).toContain('release.yml')
    const texts = Object.fromEntries(
      files.map((f) => [f.replace(/\.yaml$/, '.yml'), readFileSync(join(WORKFLOWS, f), 'utf8')])
    )
    expect(await actionlint(texts)).toEqual([])
  }, 60_000)

  it('actionlint reports a broken workflow (so a pass above means something)', async () => {
    const broken = readFileSync(join(WORKFLOWS, 'release.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs-on: [')
    expect((await actionlint({ 'release.yml': broken })).map((f) => f.rule)).toContain('syntax-check')
  }, 60_000)

  it('release.yml: version tags, contents: write only, checks before publishing, only scripts/release/', () => {
    const workflow = parse(readFileSync(join(WORKFLOWS, 'release.yml'), 'utf8')) as {
      on: { push: { tags: string[] } }
      permissions: Record<string, string>
      jobs: Record<string, { permissions?: unknown; steps: { run?: string; uses?: string }[] }>
    }
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } })
    expect(workflow.permissions).toEqual({ contents: 'write' })
    const [job, ...others] = Object.values(workflow.jobs)
    expect(others).toEqual([])
    expect(job!.permissions).toBeUndefined()
    const runs = job!.steps.map((s) => s.run ?? '')
    const at = (pattern: RegExp): number => runs.findIndex((r) => pattern.test(r))
    const create = at(/gh release create/)
    expect(create).toBeGreaterThan(0)
    for (const check of [/check-version\.ts/, /changelog-notes\.ts/, /check-dist\.sh/]) {
      expect(at(check)).toBeGreaterThanOrEqual(0)
      expect(at(check)).toBeLessThan(create)
    }
    expect(at(/move-major-tag\.ts/)).toBeGreaterThan(create)
    expect(at(/npm ci/)).toBeLessThan(at(/check-dist\.sh/))
    const scripts = runs.flatMap((r) => [...r.matchAll(/\b(scripts\/\S+)/g)].map((m) => m[1]!))
    expect(scripts.length).toBe(4)
    for (const file of scripts) {
      expect(file).toMatch(/^scripts\/release\//)
      expect(readdirSync(join(root, 'scripts/release'))).toContain(file.slice('scripts/release/'.length))
    }
  })
})
