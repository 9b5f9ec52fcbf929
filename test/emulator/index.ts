export { Emulator } from './server.ts'
export { DEFAULT_CLIENT_ID, TokenServer } from './oauth.ts'
export { startAacEmulator } from './aac.ts'
export type { AacEmulator, AacEmulatorOptions } from './aac.ts'
export type { TestModeSupport } from './checks.ts'
export type {
  AccessTokenClaims,
  RefreshTokenState,
  TokenFailure,
  TokenPair,
  TokenServerCounts,
  TokenServerOptions
} from './oauth.ts'
export type {
  AccessTokenState,
  AccessTokenVerifier,
  AnswerAction,
  DirectJobGroup,
  EmulatorOptions,
  Fault,
  FaultAction,
  FaultHeaders,
  JobGroupOrigin,
  JobGroupView,
  JobScenario,
  Listing,
  ModifierAction,
  OutputLists,
  RanFrom,
  PastRunsOption,
  RecordedRequest,
  StageSpec,
  TerminalStatus,
  TlsKeyPair
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
  ValidationStatus
} from './flow-types.ts'
export type { HistoryEndpoint, HistoryOptions } from './history.ts'
export { EMULATOR_DB_CONNECT_STRING } from './bodies.ts'
export type { ColumnProfileSpec, OutputProfileSpec, ProfileCalls, ProfileSpec, RuleProfileSpec } from './profiles.ts'
export type { LogArchiveSpec, LogEntrySpec, LogsCall } from './results.ts'
