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
