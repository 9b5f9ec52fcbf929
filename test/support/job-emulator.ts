import type { Emulator } from '../emulator/index.ts'
import { call, type Answer } from './emulator-client.ts'

export function trigger(emulator: Emulator, recipeId: unknown = 7, headers?: Record<string, string>): Promise<Answer> {
  return call(emulator, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: recipeId } }, headers })
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
