/**
 * Do the credentials work? `GET /v4/auth` (the AAC spec's auth check: 200 with a valid token, 401 without) where
 * the edition serves it; else the cheapest authenticated read, one row of `GET /v4/jobGroups`. A 401 throws, with
 * the same hints as for a run. Source: PROFILE-AND-RESULTS.md "Checking the credentials".
 */
import type { ApiClient, Budget } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import type { Check } from './dry-run-report.ts'

const READS = ['/v4/auth', '/v4/jobGroups?limit=1']

export async function checkCredentials(client: ApiClient, budget: Budget): Promise<Check> {
  const missing: string[] = []
  for (const path of READS) {
    try {
      await client.read(path, budget)
      const instead = missing.length ? `; this edition has no ${missing.join(' or ')}` : ''
      return { what: 'Credentials', outcome: 'passed', detail: `the API accepted the token (GET ${path}${instead})` }
    } catch (error) {
      // A 403 is the token's user lacking a permission: the API knew the token.
      if (error instanceof ApiError && error.status === 403) {
        const detail = `the API knew the token (GET ${path} answered 403: its user lacks a permission there)`
        return { what: 'Credentials', outcome: 'passed', detail }
      }
      // Only a call this edition does not have is skipped; anything else (401 first of all) fails the dry run.
      if (!(error instanceof ApiError && (error.status === 404 || error.status === 405))) throw error
      missing.push(`GET ${path}`)
    }
  }
  const detail = `this edition has neither ${missing.join(' nor ')}: the token is checked by the next call`
  return { what: 'Credentials', outcome: 'limited', detail }
}
