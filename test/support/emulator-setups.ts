// The named emulator setups the documentation's examples need: what `npm run emulator -- <setup>` serves by hand
// and what an example's `# readme-test: emulator=<setup>` marker starts in the README tests. One list, so that an
// example that passes its test also runs by hand. The recipe, flow and plan ids and the OAuth client ids are those
// the examples use, listed on purpose: an example with a new id fails until its id is added here. The flow and plan
// shapes follow the routes of flows.ts and plans.ts (S5–S8 of REAL-API-SHAPES.md, API-NOTES.md §flows and plans).
import type { Emulator, EmulatorOptions, FlowSpec } from '../emulator/index.ts'
import { SERVICE_PRINCIPAL } from './fake-tokens.ts'
import { QUALITY_SETUP } from './quality-setup.ts'

/** What one setup starts. */
export interface EmulatorSetup {
  /** What the API emulator serves (its token and job scenario are the caller's). */
  emulator: Omit<EmulatorOptions, 'token' | 'scenario' | 'port'>
  /**
   * Alteryx Analytics Cloud sign-in: a token server with these OAuth clients (id → secret; null for a public
   * client, as a user's OAuth 2.0 API tokens have), whose access tokens the emulator accepts.
   */
  oauthClients?: Record<string, string | null>
  /** What the setup needs beyond options (e.g. past runs), made once the emulator listens. */
  prepare?: (emulator: Emulator) => void
  /** One line for `npm run emulator -- <setup>` and the docs: what it serves. */
  summary: string
}

/** The public client of a user's token pair, as the AAC examples write it ("Client ID" on the tokens page). */
export const AAC_EXAMPLE_CLIENT_ID = 'your-client-id'

// Flow 10 of "Run a flow": the example's flow-recipes (7, 8) select two of its three outputs; its overrides name
// the output 'Sales by region'.
const FLOW_10: FlowSpec = {
  outputs: [
    { recipeId: 7, name: 'Sales by region' },
    { recipeId: 8, name: 'Sales by month' },
    { recipeId: 9, name: 'Returns' }
  ]
}

export const EMULATOR_SETUPS: Record<string, EmulatorSetup> = {
  default: { emulator: { recipes: [7, 42] }, summary: 'recipes 7 and 42' },
  flows: {
    emulator: { recipes: [], flows: { 10: FLOW_10 } },
    summary: "flow 10, whose outputs run recipes 7 ('Sales by region'), 8 and 9"
  },
  // Plan 5 of "Run a plan": a task that runs flow 10, then a task of its own.
  plans: {
    emulator: {
      recipes: [],
      flows: { 10: FLOW_10 },
      plans: {
        5: {
          name: 'Nightly',
          tasks: [
            { name: 'Refresh sales', flowId: 10 },
            { name: 'Daily report', outputs: [{ recipeId: 11, name: 'Daily report' }] }
          ]
        }
      }
    },
    summary: 'plan 5: a task that runs flow 10, then a task of recipe 11'
  },
  // "Why a job failed" (docs/results.md): recipe 7 fails in its wrangle stage; its logs are served as a ZIP.
  failing: {
    emulator: {
      recipes: [7],
      scenarios: {
        7: {
          finalStatus: 'Failed',
          stages: [{ jobType: 'wrangle', errorMessage: 'Column amount is missing' }, { jobType: 'filewriter' }]
        }
      }
    },
    summary: "recipe 7, whose wrangle stage fails with 'Column amount is missing'; its logs served as a ZIP"
  },
  aac: {
    emulator: { recipes: [7] },
    oauthClients: {
      [AAC_EXAMPLE_CLIENT_ID]: null,
      [SERVICE_PRINCIPAL.id]: SERVICE_PRINCIPAL.secret
    },
    summary:
      'recipe 7, signed in the Alteryx Analytics Cloud way ' +
      `(public client ${AAC_EXAMPLE_CLIENT_ID}, service principal ${SERVICE_PRINCIPAL.id})`
  },
  // "Gate a pull request on the data": a scratch run of recipe 7, and production's scheduled run to compare with.
  quality: QUALITY_SETUP
}
