// The emulator setup of the README's "Gate a pull request on the data" (`# readme-test: emulator=quality`): recipe 7
// runs on a scratch output with clean data (1150 rows), and production is its scheduled run of yesterday
// (1100 rows), profiled, which `baseline: scheduled` finds in the job library.
import type { Emulator, ProfileSpec } from '../emulator/index.ts'
import type { EmulatorSetup } from './emulator-setups.ts'

const columns = (rows: number): ProfileSpec['outputs'][number]['columns'] => ({
  id: { type: 'Integer', valid: rows },
  email: { type: 'String', valid: rows },
  phone: { type: 'String', valid: rows - 23, empty: 23 },
  amount: { type: 'Decimal', valid: rows - 1, invalid: 1 }
})

const rules = (rows: number): ProfileSpec['outputs'][number]['rules'] => [
  { column: 'email', description: 'email matches an address', passCount: rows, failCount: 0 },
  { column: 'id', description: 'id is unique', passCount: rows, failCount: 0 }
]

const SCRATCH: ProfileSpec = { outputs: [{ columns: columns(1150), rules: rules(1150) }] }
const PRODUCTION: ProfileSpec = { outputs: [{ columns: columns(1100), rules: rules(1100) }] }

export const QUALITY_SETUP: EmulatorSetup = {
  // A scenario per recipe: the setup's caller gives the default one (its duration).
  emulator: { recipes: [7], scenarios: { 7: { profile: SCRATCH } } },
  prepare: (emulator: Emulator) => {
    const yesterday = Date.now() - 24 * 3600_000
    emulator.createJobGroup(
      7,
      { durationMs: 0, profile: PRODUCTION },
      { ranfrom: 'schedule', overrides: { profiler: true }, createdAt: yesterday }
    )
  },
  summary: 'recipe 7, profiled (1150 clean rows), with a scheduled run of yesterday (1100 rows) as production'
}
