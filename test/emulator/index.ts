export { Emulator } from './server.ts'
export type {
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
