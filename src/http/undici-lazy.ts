/**
 * `undici`, loaded only when used. @actions/core and @actions/http-client import it at start-up for a proxy agent
 * of `fetch` that only Octokit uses (the pull request comment); bundled whole, it would be two thirds of the
 * bundle, and parsing it most of the time before the first request. The build resolves `undici` to this module
 * (tsconfig.json `paths`), which forwards to the real one once `loadUndici()` has loaded it as a chunk of its own;
 * a use before that fails clearly instead of quietly doing without a proxy.
 */
type Undici = Pick<typeof import('undici/index.js'), 'ProxyAgent' | 'fetch'>

let real: Undici | undefined

/** Loads the real undici; call before anything that may use it (Octokit). */
export async function loadUndici(): Promise<void> {
  real ??= await import('undici/index.js')
}

function loaded(): Undici {
  if (!real) throw new Error('undici was used before loadUndici() loaded it')
  return real
}

/** Forwards to undici's ProxyAgent (a constructor that returns the real instance). */
export class ProxyAgent {
  constructor(...args: ConstructorParameters<Undici['ProxyAgent']>) {
    return new (loaded().ProxyAgent)(...args)
  }
}

export const fetch: Undici['fetch'] = (...args) => loaded().fetch(...args)
