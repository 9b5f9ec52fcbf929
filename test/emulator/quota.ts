// The per-window quotas of runJobGroup, runFlow and runPlan and their 429, as in the v10.1 docs' "Rate limiting"
// section (runFlow and runPlan: AAC-AUTH-FLOWS-PLANS.md).
import type { Reply } from './replies.ts'

/** The documented runJobGroup quota: 30 requests per user per minute. */
export const DOCUMENTED_TRIGGER_LIMIT = 30
/** The documented runFlow quota: 20 requests per user per minute. */
export const DOCUMENTED_RUN_FLOW_LIMIT = 20
/** The documented runPlan quota: 30 requests per user per minute. */
export const DOCUMENTED_RUN_PLAN_LIMIT = 30
// inferred: the workspace limit is twice the user limit, as in every documented quota (30/60, 20/40, 10/20).
const WORKSPACE_FACTOR = 2

export interface QuotaWindow {
  limit: number
  used: number
  /** Epoch ms when the window resets. */
  resetAt: number
}

/** A fixed window: `limit` requests per `windowMs`, starting with the first request after the last reset. */
export class TriggerQuota {
  readonly limit: number
  private readonly windowMs: number
  private windowStart = -Infinity
  private used = 0

  constructor(limit: number, windowMs: number) {
    this.limit = limit
    this.windowMs = windowMs
  }

  /** Takes one request from the quota; `allowed` is false when it is spent. */
  take(now: number): { allowed: boolean; window: QuotaWindow } {
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now
      this.used = 0
    }
    const allowed = this.used < this.limit
    if (allowed) this.used += 1
    return { allowed, window: { limit: this.limit, used: this.used, resetAt: this.windowStart + this.windowMs } }
  }
}

/** The documented rate-limit headers; both reset times in epoch milliseconds, like the docs' examples. */
export function rateLimitHeaders(window: QuotaWindow): Record<string, string> {
  const workspaceLimit = window.limit * WORKSPACE_FACTOR
  return {
    'x-rate-limit-user-limit': String(window.limit),
    'x-rate-limit-user-remaining': String(Math.max(0, window.limit - window.used)),
    'x-rate-limit-user-reset': String(window.resetAt),
    'x-rate-limit-workspace-limit': String(workspaceLimit),
    'x-rate-limit-workspace-remaining': String(Math.max(0, workspaceLimit - window.used)),
    'x-rate-limit-workspace-reset': String(window.resetAt)
  }
}

/** 429 TooManyRequestsException with the documented headers and body; `operation` is the call's operationId. */
export function tooManyRequests(window: QuotaWindow, now: number, operation = 'runJobGroup'): Reply {
  const wait = Math.max(1, Math.ceil((window.resetAt - now) / 1000))
  const details =
    `API quota reached for "${operation}". Wait ${wait} seconds before making a new request. ` +
    `(Max. ${window.limit} requests allowed per minute per user.)`
  return {
    status: 429,
    headers: { ...rateLimitHeaders({ ...window, used: window.limit }), 'x-retry-after': String(wait) },
    body: { exception: { name: 'TooManyRequestsException', message: 'Too Many Requests', details } }
  }
}

/** A 'rate-limit' fault's 429: the quota (configured or documented) spent for `retryAfterSeconds`. */
export function injectedRateLimit(limit: number, retryAfterSeconds: number, now: number, operation?: string): Reply {
  return tooManyRequests({ limit, used: limit, resetAt: now + retryAfterSeconds * 1000 }, now, operation)
}

/** Runs `act` under `quota` when one is configured: 429 when spent, else its answer with the rate-limit headers. */
export function underQuota(quota: TriggerQuota | undefined, operation: string, now: number, act: () => Reply): Reply {
  if (quota === undefined) return act()
  const { allowed, window } = quota.take(now)
  if (!allowed) return tooManyRequests(window, now, operation)
  const reply = act()
  return { ...reply, headers: { ...rateLimitHeaders(window), ...reply.headers } }
}
