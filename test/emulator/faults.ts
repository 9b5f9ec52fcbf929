// Fault rules: checked in order for every request; each rule counts the requests it matches.
import type { AnswerAction, Fault, ModifierAction } from './types.ts'

interface Rule {
  readonly fault: Fault
  seen: number
  /** When the rule first applied (for `forMs`). */
  firstAppliedAt?: number
}

/** What the rules make of one request. */
export interface Picked {
  /** The first in-window answer action; none: the route answers. */
  answer?: AnswerAction
  /** Every in-window modifier, in rule order. */
  modifiers: ModifierAction[]
}

const MODIFIERS = new Set<string>(['stale', 'not-found-while-new', 'foreign-job-group'])

export class FaultRules {
  private readonly rules: Rule[] = []

  add(fault: Fault): void {
    this.rules.push({ fault, seen: 0 })
  }

  /**
   * Counts the request on every matching rule, then returns the action of the first answer rule whose window
   * (the `times` requests following the first `after`, within `forMs`) holds it, and every modifier whose does.
   */
  pick(method: string, path: string, now: number): Picked {
    const picked: Picked = { modifiers: [] }
    for (const rule of this.rules) {
      if (!matches(rule.fault, method, path)) continue
      rule.seen += 1
      if (!inWindow(rule, now)) continue
      const action = rule.fault.action
      if (isModifier(action)) picked.modifiers.push(action)
      else picked.answer ??= action
    }
    return picked
  }
}

/** A string matches exactly; a RegExp by search (its global flag and lastIndex do not matter). */
export function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : path.search(pattern) >= 0
}

function isModifier(action: AnswerAction | ModifierAction): action is ModifierAction {
  return MODIFIERS.has(action.kind)
}

function matches(fault: Fault, method: string, path: string): boolean {
  const methodOk = fault.method === undefined || fault.method.toUpperCase() === method
  return methodOk && (fault.path === undefined || pathMatches(fault.path, path))
}

function inWindow(rule: Rule, now: number): boolean {
  const { after = 0, forMs } = rule.fault
  const times = rule.fault.times ?? (forMs === undefined ? 1 : Infinity)
  if (rule.seen <= after || rule.seen > after + times) return false
  if (forMs === undefined) return true
  rule.firstAppliedAt ??= now
  return now - rule.firstAppliedAt < forMs
}
