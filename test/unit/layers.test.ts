// The shape of src/: layer folders whose imports only run downward, no cycles, small files, short functions.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const src = resolve(import.meta.dirname, '../../src')

/** The layers, top to bottom (ARCHITECTURE.md): a module may import only from its own layer or one below. */
export const LAYERS = [
  'entries',
  '(root)',
  'dry-run',
  'run',
  'targets',
  'auth',
  'report',
  'results',
  'runner',
  'api',
  'inputs',
  'quality',
  'http',
  'shared'
] as const

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

const layerOf = (file: string): string => {
  const parts = relative(src, file).split('/')
  return parts.length === 1 ? '(root)' : parts[0]!
}

/** Every relative import of a module, static or dynamic, resolved to a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    const spec =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
        ? node.moduleSpecifier
        : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
          ? node.arguments[0]
          : undefined
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.') && spec.text.endsWith('.ts'))
      found.push(resolve(dirname(file), spec.text))
    ts.forEachChild(node, visit)
  }
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true))
  return found
}

const modules = files(src)
const graph = new Map(modules.map((file) => [file, importsOf(file)]))
const name = (file: string): string => relative(src, file)

describe('src/ layers', () => {
  it('has a known layer for every folder, and only the composition roots at its root', () => {
    const unknown = modules.filter((f) => !(LAYERS as readonly string[]).includes(layerOf(f))).map(name)
    expect(unknown).toEqual([])
    expect(modules.filter((f) => layerOf(f) === '(root)').map(name)).toEqual(['main.ts', 'post.ts'])
  })

  it('imports only from its own layer or a lower one', () => {
    const rank = (file: string): number => (LAYERS as readonly string[]).indexOf(layerOf(file))
    const upward = [...graph].flatMap(([from, tos]) =>
      tos.filter((to) => rank(to) < rank(from)).map((to) => `${name(from)} -> ${name(to)}`)
    )
    expect(upward).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const done = new Set<string>()
    const path: string[] = []
    const visit = (file: string): void => {
      if (path.includes(file)) {
        cycles.push([...path.slice(path.indexOf(file)), file].map(name).join(' -> '))
        return
      }
      if (done.has(file)) return
      path.push(file)
      for (const to of graph.get(file) ?? []) visit(to)
      path.pop()
      done.add(file)
    }
    for (const file of modules) visit(file)
    expect(cycles).toEqual([])
  })

  it('keeps folders to 12 files, files to 250 lines, functions to 50 lines', () => {
    const perFolder = new Map<string, number>()
    for (const f of modules) perFolder.set(dirname(f), (perFolder.get(dirname(f)) ?? 0) + 1)
    expect([...perFolder].filter(([, n]) => n > 12).map(([d, n]) => `${relative(src, d)}: ${n}`)).toEqual([])
    const long = modules.map((f) => [name(f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
    expect(long.filter(([, n]) => n > 250)).toEqual([])
    expect(modules.flatMap(longFunctions)).toEqual([])
  })
})

function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const line = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const lines = line(node.getEnd()) - line(node.getStart(source)) + 1
      if (lines > 50) found.push(`${name(file)}:${line(node.getStart(source)) + 1} (${lines} lines)`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}
