// The YAML examples of the README and of action.yml's descriptions, and their static checks. An example is a
// fenced ```yaml (or ```yml) block. It must parse (unique keys), and be a workflow, a workflow without `on:`, a
// step list, or a mapping of workflow-level keys (e.g. `concurrency:`). Anything short of a workflow is wrapped
// into a minimal one *as text* (indented, never re-serialized), so actionlint sees exactly what a reader copies
// and its line numbers map back to the example. Every step that uses this action must name only inputs that
// action.yml declares, give the required ones, pin a version, and read only outputs that action.yml declares.
//
// Markers are comment lines in the example, `# readme-test: <key>=<value>`:
//   emulator=<setup>        the emulator setup the example needs (default: `default`; see readme-runner.ts)
//   expect-failure=<text>   running the example fails: the first step of this action that fails ends it, as in
//                           a real job, and one of its error annotations contains <text>
//   expect-warning=<text>   a warning annotation containing <text> is expected (repeatable); others are problems
import { parseDocument } from 'yaml'

export interface FencedBlock {
  /** The info string's first word, lower case ('' when none). */
  lang: string
  code: string
  /** 1-based line of the block's first code line in the source. */
  line: number
  /** The nearest heading above the block ('' when none). */
  heading: string
}

export interface Example {
  /** For messages: `README.md:27`. */
  where: string
  file: string
  /** 1-based line of the first code line in `file` (for action.yml: the line of the description's key). */
  line: number
  title: string
  code: string
}

export interface Markers {
  emulator: string
  expectFailure?: string
  expectWarnings: string[]
}

export type Shape = 'workflow' | 'jobs' | 'steps' | 'workflow-keys'

/** The example made into a complete workflow, as text. */
export interface Wrapped {
  shape: Shape
  text: string
  /** Lines added above the example's first line. */
  prefixLines: number
}

/** What action.yml promises: its inputs (with whether each is required) and its outputs. */
export interface ActionContract {
  inputs: Map<string, { required: boolean }>
  outputs: Set<string>
}

/** A step of the (wrapped) workflow that uses this action. */
export interface ActionStep {
  job: string
  index: number
  id?: string
  uses: string
  with: Record<string, unknown>
}

export type Workflow = Record<string, unknown>

const MARKER = /^\s*#\s*readme-test:\s*([\w-]+)=(.*)$/
const MARKER_KEYS = new Set(['emulator', 'expect-failure', 'expect-warning'])
const WORKFLOW_KEYS = new Set(['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency'])
/** `owner/trifacta-run-job-action@ref`, or `./` (the action in the checked-out repository). */
const THIS_ACTION = /^(?:[\w.-]+\/trifacta-run-job-action(?:@(.*))?|\.\/)$/
/** A major tag, a full version tag or a full commit SHA: the three pins the README recommends. */
const PINNED_REF = /^(?:v\d+|v\d+\.\d+\.\d+|[0-9a-f]{40})$/
const STEP_OUTPUT = /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g
const WRAP_JOB = 'jobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n'
const WRAP_ON = 'on: workflow_dispatch\n'

/** Fenced code blocks (``` or ~~~, at any indentation, as inside list items), in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = []
  const lines = markdown.split(/\r?\n/)
  let heading = ''
  let open: { indent: number; fence: string; lang: string; line: number; body: string[] } | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (open) {
      const closing = new RegExp(`^\\s*${open.fence[0] === '`' ? '`' : '~'}{${open.fence.length},}\\s*$`)
      if (closing.test(line)) {
        blocks.push({ lang: open.lang, code: open.body.map((l) => `${l}\n`).join(''), line: open.line, heading })
        open = undefined
      } else {
        // CommonMark removes up to the fence's own indentation from each content line.
        open.body.push(line.replace(new RegExp(`^ {0,${open.indent}}`), ''))
      }
      continue
    }
    const fence = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/.exec(line)
    if (fence && !(fence[2]![0] === '`' && line.slice(fence[0].length).includes('`'))) {
      open = { indent: fence[1]!.length, fence: fence[2]!, lang: fence[3]!.toLowerCase(), line: i + 2, body: [] }
    } else if (/^ {0,3}#{1,6}\s/.test(line)) {
      heading = line.replace(/^ {0,3}#{1,6}\s+/, '').replace(/\s+#*\s*$/, '')
    }
  }
  // An unclosed fence runs to the end of the document (CommonMark).
  if (open) blocks.push({ lang: open.lang, code: open.body.map((l) => `${l}\n`).join(''), line: open.line, heading })
  return blocks
}

/** The ```yaml / ```yml blocks of a Markdown file. */
export function markdownExamples(markdown: string, file: string): Example[] {
  return fencedBlocks(markdown)
    .filter((b) => b.lang === 'yaml' || b.lang === 'yml')
    .map((b) => ({ where: `${file}:${b.line}`, file, line: b.line, title: b.heading, code: b.code }))
}

/** The YAML blocks inside action.yml's descriptions (the action's, each input's and each output's). */
export function actionYmlExamples(actionYml: string, file = 'action.yml'): Example[] {
  const action = parseDocument(actionYml).toJS() as Record<string, unknown>
  const lines = actionYml.split('\n')
  const lineOf = (key: string): number => Math.max(1, lines.findIndex((l) => new RegExp(`^\\s*${key}:`).test(l)) + 1)
  const descriptions: { title: string; key: string; text: unknown }[] = [
    { title: 'description', key: 'description', text: action.description }
  ]
  for (const section of ['inputs', 'outputs']) {
    for (const [name, spec] of Object.entries(asRecord(action[section]))) {
      descriptions.push({ title: `${section}.${name}.description`, key: name, text: asRecord(spec).description })
    }
  }
  return descriptions.flatMap(({ title, key, text }) =>
    typeof text !== 'string'
      ? []
      : markdownExamples(text, file).map((e) => ({ ...e, where: `${file} ${title}`, line: lineOf(key), title }))
  )
}

/** The markers of an example, and what is wrong with them. */
export function markers(code: string): { markers: Markers; problems: string[] } {
  const found: Markers = { emulator: 'default', expectWarnings: [] }
  const problems: string[] = []
  for (const line of code.split('\n')) {
    if (!line.includes('readme-test')) continue
    const m = MARKER.exec(line)
    const key = m?.[1] ?? ''
    const value = (m?.[2] ?? '').trim()
    if (!m || !MARKER_KEYS.has(key) || value === '') {
      problems.push(`malformed marker '${line.trim()}': use # readme-test: ${[...MARKER_KEYS].join('|')}=<value>`)
    } else if (key === 'emulator') found.emulator = value
    else if (key === 'expect-failure') found.expectFailure = value
    else found.expectWarnings.push(value)
  }
  return { markers: found, problems }
}

/** Parses YAML the way the examples must parse: unique keys; any error or warning is a problem. */
export function parseYaml(text: string, where: string, firstLine = 1): { value: unknown; problems: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const [line, column] = [(e.linePos?.[0].line ?? 1) + firstLine - 1, e.linePos?.[0].col ?? 1]
    // The message ends with the position inside the block: the README's line and column replace it.
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    return `${where.replace(/:\d+$/, '')}:${line}:${column}: invalid YAML: ${message}`
  })
  return { value: problems.length ? undefined : (doc.toJS() as unknown), problems }
}

/** The example as a complete workflow, or why it cannot be one. */
export function wrap(code: string, value: unknown): Wrapped | string {
  const text = code.endsWith('\n') ? code : `${code}\n`
  if (Array.isArray(value)) {
    const indented = text.replace(/^(?=.)/gm, '      ')
    return { shape: 'steps', text: WRAP_ON + WRAP_JOB + indented, prefixLines: 5 }
  }
  const map = asRecord(value)
  const keys = Object.keys(map)
  if (typeof value !== 'object' || value === null || keys.length === 0) {
    return 'an example must be a workflow, a mapping of workflow keys, or a list of steps'
  }
  if ('jobs' in map) {
    return 'on' in map
      ? { shape: 'workflow', text, prefixLines: 0 }
      : { shape: 'jobs', text: WRAP_ON + text, prefixLines: 1 }
  }
  const unknown = keys.filter((k) => !WORKFLOW_KEYS.has(k))
  if (unknown.length) {
    const allowed = [...WORKFLOW_KEYS].join(', ')
    return `an example without jobs may only hold workflow keys (${allowed}), not ${unknown.join(', ')}`
  }
  const trailer = `${WRAP_JOB}      - run: 'true'\n`
  return 'on' in map
    ? { shape: 'workflow-keys', text: text + trailer, prefixLines: 0 }
    : { shape: 'workflow-keys', text: WRAP_ON + text + trailer, prefixLines: 1 }
}

/** The inputs and outputs action.yml declares. */
export function actionContract(actionYml: string): ActionContract {
  const action = asRecord(parseDocument(actionYml).toJS())
  const inputs = new Map<string, { required: boolean }>()
  for (const [name, spec] of Object.entries(asRecord(action.inputs))) {
    inputs.set(name, { required: asRecord(spec).required === true || asRecord(spec).required === 'true' })
  }
  return { inputs, outputs: new Set(Object.keys(asRecord(action.outputs))) }
}

/** Every step, in every job, that uses this action. */
export function actionSteps(workflow: Workflow): ActionStep[] {
  const found: ActionStep[] = []
  for (const [job, spec] of Object.entries(asRecord(workflow.jobs))) {
    const steps = asRecord(spec).steps
    if (!Array.isArray(steps)) continue
    steps.forEach((step: unknown, index) => {
      const s = asRecord(step)
      if (typeof s.uses !== 'string' || !isThisAction(s.uses)) return
      found.push({ job, index, id: typeof s.id === 'string' ? s.id : undefined, uses: s.uses, with: asRecord(s.with) })
    })
  }
  return found
}

export function isThisAction(uses: string): boolean {
  return uses.includes('trifacta-run-job-action') || uses === './' || uses === '.'
}

/**
 * Everything wrong with an example before it runs: YAML, markers, shape, and each step of this action against
 * action.yml's contract. Also gives the wrapped workflow when the example parses.
 */
export function checkExample(
  example: Example,
  contract: ActionContract
): { problems: string[]; markers: Markers; wrapped?: Wrapped; workflow?: Workflow } {
  const marked = markers(example.code)
  const parsed = parseYaml(example.code, example.where, example.line)
  const problems = [...marked.problems, ...parsed.problems]
  if (parsed.problems.length) return { problems, markers: marked.markers }
  const wrapped = wrap(example.code, parsed.value)
  if (typeof wrapped === 'string')
    return { problems: [...problems, `${example.where}: ${wrapped}`], markers: marked.markers }
  const workflow = asRecord(parseDocument(wrapped.text).toJS())
  for (const step of actionSteps(workflow)) problems.push(...stepProblems(step, contract, example.where))
  problems.push(...outputProblems(workflow, contract, example.where))
  return { problems, markers: marked.markers, wrapped, workflow }
}

function stepProblems(step: ActionStep, contract: ActionContract, where: string): string[] {
  const name = `${where}: step ${step.id ?? `#${step.index + 1}`} of job ${step.job}`
  const problems: string[] = []
  const m = THIS_ACTION.exec(step.uses)
  if (!m) problems.push(`${name}: 'uses: ${step.uses}' is neither <owner>/trifacta-run-job-action@<ref> nor ./`)
  else if (step.uses !== './' && !PINNED_REF.test(m[1] ?? '')) {
    problems.push(`${name}: pin the action to @v1, @v1.2.3 or a full commit SHA, not '${step.uses}'`)
  }
  for (const key of Object.keys(step.with)) {
    if (!contract.inputs.has(key)) problems.push(`${name}: input '${key}' is not declared in action.yml`)
  }
  for (const [key, spec] of contract.inputs) {
    if (spec.required && !(key in step.with)) problems.push(`${name}: required input '${key}' is missing`)
  }
  return problems
}

/** `steps.<id>.outputs.<name>` read from a step of this action must name an output action.yml declares. */
function outputProblems(workflow: Workflow, contract: ActionContract, where: string): string[] {
  const problems: string[] = []
  for (const [job, spec] of Object.entries(asRecord(workflow.jobs))) {
    const ids = new Set(actionSteps({ jobs: { [job]: spec } }).flatMap((s) => (s.id ? [s.id] : [])))
    for (const text of strings(spec)) {
      for (const [, id, output] of text.matchAll(STEP_OUTPUT)) {
        if (ids.has(id!) && !contract.outputs.has(output!)) {
          problems.push(
            `${where}: job ${job} reads steps.${id}.outputs.${output}, an output action.yml does not declare`
          )
        }
      }
    }
  }
  return problems
}

/** Every string inside a parsed YAML value (loop over a stack: examples can nest deeply). */
export function strings(value: unknown): string[] {
  const found: string[] = []
  const stack: unknown[] = [value]
  while (stack.length) {
    const item = stack.pop()
    if (typeof item === 'string') found.push(item)
    else if (Array.isArray(item)) stack.push(...item)
    else if (typeof item === 'object' && item !== null) stack.push(...Object.values(item))
  }
  return found
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
