// The calls that check a run without starting it. Sources: PROFILE-AND-RESULTS.md "Test mode (validate without
// running)" and "Checking the credentials" (from S1, the AAC spec's LRunJobTestModeResult and LAuthCheckResponse),
// REAL-API-SHAPES.md "POST /v4/jobGroups" (testMode is a top-level field of the request) and API-NOTES.md
// "Editions" (Standard editions expose only the job-group calls, so neither GET /v4/auth nor
// GET /v4/wrangledDatasets/{id} is served there).
import { randomUUID } from 'node:crypto'
import { positiveInteger } from './jobs.ts'
import { json, notFound, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'

/**
 * How an edition treats `testMode: true` on POST /v4/jobGroups: 'accepted' validates and answers
 * {datasetId, datasetName, sessionId} without creating a job group; 'rejected' refuses the field (400); 'ignored'
 * is a broken deployment that runs the job as if testMode were absent (no source describes one: a hostile-server
 * hook, to test that a client notices a job it did not want).
 */
export type TestModeSupport = 'accepted' | 'rejected' | 'ignored'

/** What the check routes need to know about the recipes. */
export interface RecipeBook {
  readonly recipes: ReadonlySet<number>
  /** Recipe id → name (flow outputs give theirs; others get `Recipe <id>`). */
  readonly names: ReadonlyMap<number, string>
  /** Recipe id → the flow it belongs to, for recipes that are outputs of a configured flow. */
  readonly flows: ReadonlyMap<number, number>
}

const RECIPE_PATH = /^\/v4\/wrangledDatasets\/([^/]+)$/

/** The name a recipe is shown with. inferred: no source names the emulator's recipes. */
export function recipeName(book: RecipeBook, id: number): string {
  return book.names.get(id) ?? `Recipe ${id}`
}

/**
 * GET /v4/auth and GET /v4/wrangledDatasets/{id}; undefined for any other request, or on an edition without them
 * (`served` false: legacy Standard). A request that reaches here passed authentication.
 */
export function checkRoute(
  book: RecipeBook,
  req: { method: string; path: string },
  served: boolean
): Reply | undefined {
  if (req.method !== 'GET' || !served) return undefined
  // S1 LAuthCheckResponse: {body: "OK" | "Unauthorized", headers}; a 401 comes from authentication as for any call.
  if (req.path === '/v4/auth') return json(200, { body: 'OK', headers: {} })
  const match = RECIPE_PATH.exec(req.path)
  if (match === null) return undefined
  const id = positiveInteger(match[1])
  if (id === undefined) return validationFailed(`Invalid wrangledDataset id: ${match[1]}`)
  if (!book.recipes.has(id)) return notFound(`wrangledDataset with id ${id} does not exist`)
  // inferred: the fields id and name, and `flow: {id}` after the `wrangledDataset: {id}` references of job groups.
  const flowId = book.flows.get(id)
  return json(200, { id, name: recipeName(book, id), ...(flowId !== undefined && { flow: { id: flowId } }) })
}

/**
 * The answer to POST /v4/jobGroups with `testMode: true` (the body is already known to name a valid recipe id),
 * or undefined when the edition ignores the field and the job is to run as usual.
 */
export function testModeReply(book: RecipeBook, recipeId: number, support: TestModeSupport): Reply | undefined {
  if (support === 'ignored') return undefined
  // inferred: the wording of the refusal; the documented ValidationFailed shape, naming the field.
  if (support === 'rejected') return validationFailed('Unknown property testMode in the request body')
  if (!book.recipes.has(recipeId)) return notFound(`wrangledDataset with id ${recipeId} does not exist`)
  // inferred: 200 (nothing is created, so not 201); datasetId is the recipe id.
  return json(200, { datasetId: recipeId, datasetName: recipeName(book, recipeId), sessionId: randomUUID() })
}
