import { expect, vi } from 'vitest'
import { Emulator, type EmulatorOptions, type FlowSpec, type PlanSpec } from '../emulator/index.ts'
import { call, startEmulator as start, T0, type Answer } from './emulator-client.ts'

export function runFlow(
  emulator: Emulator,
  body: unknown = {},
  headers?: Record<string, string>,
  flowId = 7
): Promise<Answer> {
  return call(emulator, 'POST', `/v4/flows/${flowId}/run`, { body, headers })
}

export function runPlan(
  emulator: Emulator,
  body?: unknown,
  headers?: Record<string, string>,
  planId = 5
): Promise<Answer> {
  return call(emulator, 'POST', `/v4/plans/${planId}/run`, { body, headers })
}

export async function getJson(emulator: Emulator, path: string): Promise<unknown> {
  const answer = await call(emulator, 'GET', path)
  expect(answer.status, path).toBe(200)
  return answer.json
}

export function at(ms: number): void {
  vi.setSystemTime(T0 + ms)
}

export function iso(ms: number): string {
  return new Date(T0 + ms).toISOString()
}

// Two outputs, the second failing; both run 200 ms (Created 0-100, InProgress 100-200).
export const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Orders clean', scenario: { durationMs: 200 } },
      { recipeId: 72, name: 'Orders by region', scenario: { durationMs: 200, finalStatus: 'Failed' } }
    ]
  },
  8: {
    outputs: [
      { recipeId: 81, name: 'A' },
      { recipeId: 82, name: 'B' }
    ]
  }
}

// Three tasks of 100 ms each (Created 0-50, InProgress 50-100): a flow of two outputs, then two plain outputs.
export const PLAN_FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Orders clean' },
      { recipeId: 72, name: 'Orders by region' }
    ]
  }
}
export const PLANS: Record<number, PlanSpec> = {
  5: {
    name: 'Nightly',
    tasks: [
      { name: 'Load', flowId: 7 },
      { name: 'Report', outputs: [{ recipeId: 80, name: 'Report' }] },
      { name: 'Publish', outputs: [{ recipeId: 81, name: 'Publish' }] }
    ]
  },
  6: {
    tasks: [
      {
        name: 'Break',
        outputs: [{ recipeId: 90, name: 'Broken', scenario: { durationMs: 100, finalStatus: 'Failed' } }]
      },
      { name: 'Never', outputs: [{ recipeId: 91, name: 'Never' }] }
    ]
  },
  8: { tasks: [{ name: 'Gone', flowId: 404 }] },
  9: { tasks: [{ name: 'Hung', outputs: [{ recipeId: 92, name: 'Hung' }] }], failToCancelSomeJobs: true }
}

export async function planEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return start({ flows: PLAN_FLOWS, plans: PLANS, scenario: { durationMs: 100 }, ...options })
}
