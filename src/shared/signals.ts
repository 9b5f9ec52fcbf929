/**
 * The workflow-cancel signals (SIGINT, then SIGTERM), caught from the step's first moment. The main entry imports
 * this module before any other, so a signal that comes while the rest of the action loads or reads its inputs is
 * kept for the run (which then sends nothing and says so) instead of killing the step, Node's default. No imports:
 * nothing has to load before the handlers are in place.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM'
type Listener = (signal: StopSignal) => void

const early: StopSignal[] = []
let listener: Listener | undefined
let installed = false

const handle = (signal: StopSignal): void => {
  if (listener) listener(signal)
  else early.push(signal)
}

/** Installs the handlers, once; signals are kept until someone listens. */
export function catchSignals(): void {
  if (installed) return
  installed = true
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
  // The runner hides debug lines unless step debugging is on; tests wait for this one.
  process.stdout.write('::debug::Workflow-cancel handlers installed.\n')
}

/** Signals go to `onSignal` from now on, those that came before first; the result removes the handlers. */
export function listenForSignals(onSignal: Listener): () => void {
  catchSignals()
  listener = onSignal
  for (const signal of early.splice(0)) onSignal(signal)
  return () => {
    listener = undefined
    installed = false
    process.off('SIGINT', handle)
    process.off('SIGTERM', handle)
  }
}
