/**
 * A job group's profile: `GET /v4/jobGroups/{id}/profileResults` (one profile per output), or
 * `GET /v4/jobGroups/{id}/profile` where the former is missing (PROFILE-AND-RESULTS.md). A run without profiling
 * answers `400 ProfilingDataNotFoundException`: no profile, not a failure. An edition without either call answers
 * 404 to both; that is remembered, so it is asked once. A call that has answered once exists: a 404 from it later
 * means the job group was not found, and is an error.
 */
import type { ApiClient, Budget } from './api-client.ts'
import { ApiError } from './api-error.ts'

export type ProfileAnswer =
  /** The answer's JSON, as the server sent it (a map of profiles, or one). */
  { kind: 'answer'; data: unknown } | { kind: 'not-profiled' } | { kind: 'unsupported' }

const CALLS = ['profileResults', 'profile'] as const

export class ProfilesApi {
  private readonly client: ApiClient
  private readonly missing = new Set<string>()
  private readonly works = new Set<string>()
  constructor(client: ApiClient) {
    this.client = client
  }

  /** The profile of job group `jobId`; throws what the API threw otherwise (a failed read). */
  async read(jobId: number, budget: Budget): Promise<ProfileAnswer> {
    for (const call of CALLS) {
      if (this.missing.has(call)) continue
      try {
        const data = await this.client.read<unknown>(`/v4/jobGroups/${jobId}/${call}`, budget, { jobId })
        this.works.add(call)
        return { kind: 'answer', data }
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        if (error.exception?.name === 'ProfilingDataNotFoundException') {
          this.works.add(call)
          return { kind: 'not-profiled' }
        }
        if (error.status !== 404 || this.works.has(call)) throw error
        this.missing.add(call)
      }
    }
    return { kind: 'unsupported' }
  }
}
