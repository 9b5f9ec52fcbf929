// Fault rules: checked in order for every request; each rule counts the requests it matches.
import type { Fault, FaultAction } from './types.ts'

interface Rule {
  readonly fault: Fault
  seen: number
}

export class FaultRules {
  private readonly rules: Rule[] = []

  add(fault: Fault): void {
    this.rules.push({ fault, seen: 0 })
  }

  /**
   * Counts the request on every matching rule, then returns the action of the first one whose window
   * (the `times` requests following the first `after`) holds it.
   */
  pick(method: string, path: string): FaultAction | undefined {
    let picked: FaultAction | undefined
    for (const rule of this.rules) {
      if (!matches(rule.fault, method, path)) continue
      rule.seen += 1
      if (picked === undefined && inWindow(rule)) picked = rule.fault.action
    }
    return picked
  }
}

/** A string matches exactly; a RegExp by search (its global flag and lastIndex do not matter). */
export function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : path.search(pattern) >= 0
}

function matches(fault: Fault, method: string, path: string): boolean {
  const methodOk = fault.method === undefined || fault.method.toUpperCase() === method
  return methodOk && (fault.path === undefined || pathMatches(fault.path, path))
}

function inWindow(rule: Rule): boolean {
  const after = rule.fault.after ?? 0
  return rule.seen > after && rule.seen <= after + (rule.fault.times ?? 1)
}
