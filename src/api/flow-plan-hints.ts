/**
 * What to do about a failed flow or plan call, for `ApiError`'s hint. A 403 or 404 on the run call of a flow or
 * plan that exists means the edition does not run them through the API (Standard editions offer only job groups).
 */

/** The hint for a flow or plan call (their ids are in the path); undefined for any other call or status. */
export function flowPlanHint(status: number, method: string, path: string): string | undefined {
  const run = /^\/v4\/(flows|plans)\/(\d+)\/run$/.exec(path)
  if (method === 'POST' && run) return runHint(status, run[1] === 'flows' ? 'flow' : 'plan', run[2]!)
  const read = /^\/v4\/(flowRuns|planSnapshotRuns|plans)\/(\d+)/.exec(path)
  if (!read) return undefined
  const what = { flowRuns: 'Flow run', planSnapshotRuns: 'Plan run', plans: 'Plan' }[read[1]!]
  if (status === 404)
    return `${what} ${read[2]} was not found: check that api-url points at the instance and region that ran it.`
  if (status === 403) return `The token's user lacks permission on ${what!.toLowerCase()} ${read[2]} or its workspace.`
  return undefined
}

function runHint(status: number, what: 'flow' | 'plan', id: string): string | undefined {
  switch (status) {
    case 403:
    case 404:
      return (
        `If ${what} ${id} exists, this edition does not allow running ${what}s through the API; Enterprise/Premium ` +
        `do (elsewhere, run each recipe with recipe-id). Otherwise check ${what}-id` +
        `${what === 'flow' ? ' (in the app, /flows/10 means flow-id 10)' : ''} and that the ${what} is shared ` +
        `with the token's user.`
      )
    case 400:
      return what === 'flow'
        ? "The server rejected the request: check flow-recipes (recipe ids of this flow's outputs), " +
            'overrides (keyed by output name) and run-parameters.'
        : 'The server rejected the request: check plan-id.'
    default:
      return undefined
  }
}
