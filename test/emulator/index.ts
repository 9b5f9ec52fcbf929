export { Emulator } from './server.ts'
export type {
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
  RecordedRequest,
  StageSpec,
  TerminalStatus,
  TlsKeyPair,
} from './types.ts'
