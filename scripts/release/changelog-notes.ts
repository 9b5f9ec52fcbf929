// Release notes: the section of one version in CHANGELOG.md (Keep a Changelog: `## [1.2.3] - 2026-01-31`), without
// its heading, plus the link reference definitions it uses. Fails when the section is missing or empty, so a
// release cannot go out undocumented. Lines wrapped for the file are joined: GitHub shows every line break of a
// release body as a break.
//   node scripts/release/changelog-notes.ts <version> [CHANGELOG.md] > notes.md
import { readFileSync } from 'node:fs'

const SECTION = /^## /
const LINK_DEFINITION = /^\[([^\]]+)\]:\s+\S/
/** A line that starts a Markdown block of its own, rather than continuing the one above. */
const BLOCK_START = /^\s*(?:[-*+] |\d+[.)] |#|>|\||```|~~~|$)/
/** A line after which nothing continues: a heading, a table row, a fence. */
const BLOCK_END = /^\s*(?:#|\||```|~~~)/
const FENCE = /^\s*(?:```|~~~)/

/** The notes of `version` in `changelog`; throws when there are none. */
export function changelogNotes(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const heading = new RegExp(`^## \\[?v?${escaped}\\]?(?:\\s|$)`)
  const start = lines.findIndex((line) => heading.test(line))
  if (start < 0) throw new Error(`CHANGELOG.md has no section '## [${version}]'`)
  const body: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (SECTION.test(line) || LINK_DEFINITION.test(line)) break
    body.push(line)
  }
  const notes = unwrap(body).join('\n').trim()
  if (notes === '') throw new Error(`the section '## [${version}]' of CHANGELOG.md is empty`)
  // Reference-style links used in the notes keep working when their definitions come along.
  const definitions = lines.filter((line) => {
    const label = LINK_DEFINITION.exec(line)?.[1]
    return label !== undefined && notes.includes(`[${label}]`)
  })
  return definitions.length ? `${notes}\n\n${definitions.join('\n')}\n` : `${notes}\n`
}

/** Joins each continuation line to the line above it; fenced code is left as it is. */
function unwrap(lines: string[]): string[] {
  const out: string[] = []
  let inFence = false
  for (const line of lines) {
    const fence = FENCE.test(line)
    const previous = out.at(-1)
    if (
      !inFence &&
      !fence &&
      !BLOCK_START.test(line) &&
      previous !== undefined &&
      previous.trim() !== '' &&
      !BLOCK_END.test(previous)
    ) {
      out[out.length - 1] = `${previous} ${line.trim()}`
    } else out.push(line)
    if (fence) inFence = !inFence
  }
  return out
}

if (import.meta.main) {
  const [version, file = 'CHANGELOG.md'] = process.argv.slice(2)
  if (!version) {
    console.error('usage: node scripts/release/changelog-notes.ts <version> [CHANGELOG.md]')
    process.exit(2)
  }
  try {
    process.stdout.write(changelogNotes(readFileSync(file, 'utf8'), version.replace(/^v/, '')))
  } catch (error) {
    console.log(`::error title=Release notes::${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
