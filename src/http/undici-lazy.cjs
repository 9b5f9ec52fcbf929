/* global module */
'use strict'
/**
 * `undici`, loaded only when used. @actions/core and @actions/http-client import it at start-up for a proxy agent
 * of `fetch` that only Octokit uses (the pull request comment); bundled whole, it would be two thirds of the
 * bundle, and parsing it most of the time before the first request. The build resolves `undici` to this module
 * (tsconfig.json `paths`), which forwards to the real one once `loadUndici()` has loaded it as a chunk of its own;
 * a use before that fails clearly instead of quietly doing without a proxy. CommonJS, so that the bundler keeps it
 * a module of its own (named by its path in the repository) rather than merging it into http-client's.
 */
let real

/** Loads the real undici; call before anything that may use it (Octokit). */
async function loadUndici() {
  real ??= await import('undici/index.js')
}

function loaded() {
  if (!real) throw new Error('undici was used before loadUndici() loaded it')
  return real
}

/** Forwards to undici's ProxyAgent (a constructor that returns the real instance). */
class ProxyAgent {
  constructor(...args) {
    return new (loaded().ProxyAgent)(...args)
  }
}

const fetch = (...args) => loaded().fetch(...args)

module.exports = { loadUndici, ProxyAgent, fetch }
