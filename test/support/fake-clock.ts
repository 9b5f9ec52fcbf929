// A fake clock for unit tests and the benchmark: sleep() advances time at once, so hours pass in microseconds.
import type { Clock } from '../../src/shared/clock.ts'

export class FakeClock implements Clock {
  time: number
  readonly sleeps: number[] = []
  constructor(start = 1_700_000_000_000) {
    this.time = start
  }
  now(): number {
    return this.time
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason
    this.sleeps.push(ms)
    this.time += ms
  }
}

/** A deterministic PRNG (mulberry32) in [0, 1), for `random` parameters. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
