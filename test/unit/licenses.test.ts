// The third-party notices shipped in dist/ name every package the bundles carry. The bundle is built again with
// its webpack stats kept; the packages of each file of each bundle (entry and chunks) are listed from them, and
// each must have an entry in the committed notices, with its version, its licence text and the files it is in.
// What the bundles' own text names (webpack's module comments) must be among the packages listed, so that a stats
// file that lost a chunk cannot pass. Every bundled package must be a runtime dependency, not a dev one.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

interface Module {
  nameForCondition?: string
  chunks?: (string | number)[]
  modules?: Module[]
}
interface Stats {
  chunks: { id: string | number; files: string[] }[]
  modules: Module[]
}

/** `name@version` → the bundle files holding its code, and its folder. */
type Listing = Map<string, { files: Set<string>; dir: string }>

function listPackages(stats: Stats): Listing {
  const files = new Map(stats.chunks.map((c) => [String(c.id), c.files]))
  const listing: Listing = new Map()
  const stack: [Module, (string | number)[]][] = stats.modules.map((m) => [m, m.chunks ?? []])
  while (stack.length) {
    const [module, chunks] = stack.pop()!
    for (const inner of module.modules ?? []) stack.push([inner, inner.chunks?.length ? inner.chunks : chunks])
    const path = module.nameForCondition ?? ''
    const at = path.lastIndexOf('/node_modules/')
    if (at < 0) continue
    const rest = path.slice(at + '/node_modules/'.length).split('/')
    const dir = path.slice(0, at) + '/node_modules/' + rest.slice(0, rest[0]!.startsWith('@') ? 2 : 1).join('/')
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string }
    const entry = listing.get(`${pkg.name}@${pkg.version}`) ?? { files: new Set<string>(), dir }
    for (const chunk of chunks) for (const file of files.get(String(chunk)) ?? []) entry.files.add(file)
    listing.set(`${pkg.name}@${pkg.version}`, entry)
  }
  return listing
}

/** What the notices lack for the packages listed: a missing entry, a file not named, a missing licence text. */
function missingFrom(notices: string, listing: Listing): string[] {
  const problems: string[] = []
  const entries = notices.split(/^={20,}$/m).slice(1)
  for (const [id, { files }] of listing) {
    const at = id.lastIndexOf('@')
    const heading = `${id.slice(0, at)} ${id.slice(at + 1)}`
    const entry = entries.find((e) => e.trimStart().startsWith(`${heading}\n`))
    if (!entry) {
      problems.push(`${id} is bundled but has no entry in the notices`)
      continue
    }
    const named = /^In: (.*)$/m.exec(entry)?.[1]?.split(', ') ?? []
    for (const file of files) if (!named.includes(file)) problems.push(`${id}: the entry does not name ${file}`)
    if (!/^--- .+ ---$/m.test(entry)) problems.push(`${id}: the entry has no licence text`)
  }
  return problems
}

/**
 * Packages whose folder webpack's comments in a bundle file name: `// CONCATENATED MODULE: ../node_modules/…` is
 * code in that file; `// EXTERNAL MODULE: …` may be code in another file of the bundle.
 */
function namedInText(bundle: string, kind: 'CONCATENATED MODULE' | 'MODULE'): Set<string> {
  const names = new Set<string>()
  const pattern = new RegExp(`${kind}: \\S*?node_modules/((?:@[^/\\s]+/)?[^/\\s]+)/`, 'g')
  for (const m of bundle.matchAll(pattern)) names.add(m[1]!)
  return names
}

const BUNDLES = [
  { stats: 'stats-main.json', folder: 'dist', notices: 'dist/licenses.txt' },
  { stats: 'stats-post.json', folder: 'dist/post', notices: 'dist/post/licenses.txt' }
]

describe('third-party notices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'licenses-'))
  const listings = new Map<string, Listing>()
  beforeAll(() => {
    execFileSync('bash', [join(root, '.ci/bundle'), join(dir, 'out')], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, BUNDLE_STATS_DIR: dir }
    })
    for (const b of BUNDLES) listings.set(b.stats, listPackages(JSON.parse(readFileSync(join(dir, b.stats), 'utf8'))))
  }, 180_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  for (const b of BUNDLES) {
    it(`${b.notices} has an entry for every package in ${b.folder}'s files`, () => {
      const listing = listings.get(b.stats)!
      expect(listing.size).toBeGreaterThan(5)
      expect([...listing.keys()].map((id) => id.replace(/@[^@]+$/, ''))).toEqual(
        expect.arrayContaining(['@actions/core', '@actions/http-client', 'yaml', 'undici', 'tunnel'])
      )
      expect(missingFrom(readFileSync(join(root, b.notices), 'utf8'), listing)).toEqual([])
    })

    it(`what ${b.folder}'s bundle files name in their text is among the packages listed for them`, () => {
      const listing = listings.get(b.stats)!
      const name = (id: string): string => id.replace(/@[^@]+$/, '')
      const files = new Set([...listing.values()].flatMap((p) => [...p.files]))
      expect(files).toContain('index.js')
      const all = new Set([...listing.keys()].map(name))
      for (const file of files) {
        const text = readFileSync(join(root, b.folder, file), 'utf8')
        const here = new Set([...listing].filter(([, p]) => p.files.has(file)).map(([id]) => name(id)))
        const inFile = [...namedInText(text, 'CONCATENATED MODULE')].filter((n) => !here.has(n))
        expect(inFile, `${b.folder}/${file}`).toEqual([])
        expect(
          [...namedInText(text, 'MODULE')].filter((n) => !all.has(n)),
          `${b.folder}/${file}`
        ).toEqual([])
      }
    })
  }

  it('the main bundle carries the Octokit chunk and libsodium, and names them in the notices', () => {
    const main = listings.get('stats-main.json')!
    const ids = [...main.keys()].map((id) => id.replace(/@[^@]+$/, ''))
    expect(ids).toEqual(
      expect.arrayContaining(['@octokit/core', 'before-after-hook', 'libsodium-wrappers', 'libsodium'])
    )
    const octokit = [...main].find(([id]) => id.startsWith('@octokit/core@'))![1]
    expect([...octokit.files].some((f) => f !== 'index.js')).toBe(true)
  })

  it('a package missing from the notices, or a file its entry does not name, is reported', () => {
    const main = listings.get('stats-main.json')!
    const text = readFileSync(join(root, 'dist/licenses.txt'), 'utf8')
    const yamlId = [...main.keys()].find((id) => id.startsWith('yaml@'))!
    const withoutYaml = text
      .split(/(?=^={20,}$)/m)
      .filter((e) => !e.includes(`\n${yamlId.replace('@', ' ')}\n`))
      .join('')
    expect(missingFrom(withoutYaml, main)).toEqual([`${yamlId} is bundled but has no entry in the notices`])
    expect(missingFrom(text.replace(/^In: index\.js$/m, 'In: nothing.js'), main)).toEqual([
      expect.stringMatching(/: the entry does not name index\.js$/)
    ])
  })

  it('every bundled package is installed as a runtime dependency, not a dev one', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>
    }
    const dev: string[] = []
    for (const listing of listings.values()) {
      for (const [id, { dir }] of listing) {
        const key = dir.slice(dir.indexOf('node_modules/'))
        if (lock.packages[key]?.dev !== undefined || !lock.packages[key]) dev.push(`${id} (${key})`)
      }
    }
    expect(dev).toEqual([])
  })
})
