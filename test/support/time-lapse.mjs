// Preloaded with `node --import` into the action's process to make its time pass TIME_LAPSE times faster:
// Date.now() and the global setTimeout scale, so minutes of polls and retries pass in seconds. For tests of time
// windows (the 5-minute persistence window of failing reads) that a real-time test could not afford. Servers in
// the test process keep real time: only the action's own sense of time is sped up. Plain JavaScript, so that
// any Node version can preload it.
import process from 'node:process'

const factor = Number(process.env.TIME_LAPSE)
if (Number.isFinite(factor) && factor > 1) {
  const realNow = Date.now
  const origin = realNow()
  Date.now = () => Math.round(origin + (realNow() - origin) * factor)
  const realSetTimeout = globalThis.setTimeout
  globalThis.setTimeout = (callback, ms, ...args) =>
    realSetTimeout(callback, Math.max(0, Number(ms) || 0) / factor, ...args)
}
