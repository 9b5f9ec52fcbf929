// Release check: the pushed tag must be `v` + package.json's version, a plain MAJOR.MINOR.PATCH (no pre-release),
// so that the release, its notes and the User-Agent all name the same version.
//   node scripts/release/check-version.ts <tag> [package.json]
import { readFileSync } from 'node:fs'

const RELEASE_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

/** Why `tag` cannot be released as `version`, or undefined when it can. */
export function versionProblem(tag: string, version: string): string | undefined {
  if (!RELEASE_VERSION.test(version)) {
    const why = 'pre-releases are not released by this workflow'
    return `package.json's version '${version}' is not MAJOR.MINOR.PATCH; ${why}`
  }
  if (tag !== `v${version}`) return `the tag '${tag}' does not match package.json's version: expected 'v${version}'`
  return undefined
}

/** The version field of a package.json text. */
export function packageVersion(packageJson: string): string {
  const version = (JSON.parse(packageJson) as { version?: unknown }).version
  if (typeof version !== 'string') throw new Error('package.json has no version')
  return version
}

if (import.meta.main) {
  const [tag, file = 'package.json'] = process.argv.slice(2)
  if (!tag) {
    console.error('usage: node scripts/release/check-version.ts <tag> [package.json]')
    process.exit(2)
  }
  const problem = versionProblem(tag, packageVersion(readFileSync(file, 'utf8')))
  if (problem) {
    console.log(`::error title=Release version::${problem}`)
    process.exit(1)
  }
  console.log(`${tag} is package.json's version`)
}
