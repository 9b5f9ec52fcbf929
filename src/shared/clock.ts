/** Time, behind one seam so the waiter and the retry policy run on a fake clock in tests and the benchmark. */

export interface Clock {
  now(): number
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. Leaves no timer behind. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal))
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(abortReason(signal!))
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms)
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    })
}

export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortedError(String(signal.reason ?? 'aborted'))
}

/** The wait or request was given up on purpose (workflow cancelled). */
export class AbortedError extends Error {
  constructor(message = 'aborted') {
    super(message)
    this.name = 'AbortedError'
  }
}
