// Moves the major tag (v1) to the commit of a release tag (v1.2.3), locally and on the remote, so that workflows
// pinned to `@v1` get the release. Only forward: a release older than the newest of the same major (a fix of an
// older minor, v1.0.1 after v1.1.0) leaves the major tag where it is. Full version tags are never moved.
//   node scripts/release/move-major-tag.ts <tag> [remote]
import { execFileSync } from 'node:child_process'

const RELEASE_TAG = /^v(\d+)\.(\d+)\.(\d+)$/

export interface MoveResult {
  major: string
  commit: string
  moved: boolean
  /** What was done, for the log. */
  message: string
}

/** `v1.2.3` → `v1`. */
export function majorTag(tag: string): string {
  const m = RELEASE_TAG.exec(tag)
  if (!m) throw new Error(`'${tag}' is not a release tag vMAJOR.MINOR.PATCH`)
  return `v${Number(m[1])}`
}

/** Orders release tags by version (negative when a < b). */
export function compareReleaseTags(a: string, b: string): number {
  const [x, y] = [RELEASE_TAG.exec(a), RELEASE_TAG.exec(b)]
  if (!x || !y) throw new Error(`cannot compare '${a}' and '${b}': not both vMAJOR.MINOR.PATCH`)
  for (let i = 1; i <= 3; i++) {
    const diff = Number(x[i]) - Number(y[i])
    if (diff !== 0) return diff
  }
  return 0
}

export function moveMajorTag(tag: string, options: { cwd?: string; remote?: string } = {}): MoveResult {
  const remote = options.remote ?? 'origin'
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  const major = majorTag(tag)
  // Every released tag, as the remote has them, decides whether this release is the newest of its major.
  git('fetch', '--quiet', '--force', remote, '+refs/tags/*:refs/tags/*')
  const commit = git('rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`)
  const released = git('tag', '--list', `${major}.*.*`)
    .split('\n')
    .filter((t) => RELEASE_TAG.test(t))
  const newest = released.reduce((a, b) => (compareReleaseTags(a, b) >= 0 ? a : b), tag)
  if (compareReleaseTags(newest, tag) > 0) {
    return { major, commit, moved: false, message: `${major} stays: ${newest} is newer than ${tag}` }
  }
  git('tag', '--force', major, commit)
  git('push', '--quiet', '--force', remote, `refs/tags/${major}:refs/tags/${major}`)
  const remoteCommit = git('ls-remote', remote, `refs/tags/${major}`).split(/\s/)[0]
  if (remoteCommit !== commit) throw new Error(`${remote} has ${major} at ${remoteCommit}, not ${commit}`)
  return { major, commit, moved: true, message: `${major} now points at ${commit} (${tag})` }
}

if (import.meta.main) {
  const [tag, remote] = process.argv.slice(2)
  if (!tag) {
    console.error('usage: node scripts/release/move-major-tag.ts <tag> [remote]')
    process.exit(2)
  }
  try {
    console.log(moveMajorTag(tag, { remote }).message)
  } catch (error) {
    console.log(`::error title=Major tag::${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
