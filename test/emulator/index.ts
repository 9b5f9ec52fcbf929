export { Emulator } from './server.ts'
export { DEFAULT_CLIENT_ID, TokenServer } from './oauth.ts'
export { startAacEmulator } from './aac.ts'
export type { AacEmulator, AacEmulatorOptions } from './aac.ts'
export type {
  AccessTokenClaims,
  RefreshTokenState,
  TokenFailure,
  TokenPair,
  TokenServerCounts,
  TokenServerOptions,
} from './oauth.ts'
export type {
  AccessTokenState,
  AccessTokenVerifier,
  EmulatorOptions,
  Fault,
  FaultAction,
  JobGroupView,
  JobScenario,
  Listing,
  OutputLists,
  RecordedRequest,
  StageSpec,
  TerminalStatus,
} from './types.ts'
export type {
  Edition,
  FlowOutputSpec,
  FlowPlanOptions,
  FlowRunView,
  FlowSpec,
  OutputRunView,
  PlanRunView,
  PlanSpec,
  PlanTaskRunView,
  PlanTaskSpec,
  ValidationStatus,
} from './flow-types.ts'
