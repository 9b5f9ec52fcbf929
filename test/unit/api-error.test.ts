import { describe, expect, it } from 'vitest'
import { ApiError, cleanSnippet } from '../../src/api/api-error.ts'
import { buildRunJobGroupRequest } from '../../src/api/job-request.ts'

describe('ApiError', () => {
  it("quotes the server's exception, details and request id, and adds a hint", () => {
    const error = new ApiError({
      method: 'POST',
      path: '/v4/jobGroups',
      status: 403,
      headers: { 'x-trifacta-request-id': 'req-9' },
      body: JSON.stringify({ exception: { name: 'Forbidden', message: 'No access to flow', details: 'flow 10' } }),
      subject: { recipeId: 7 }
    })
    expect(error.message).toBe(
      'POST /v4/jobGroups answered HTTP 403 Forbidden: Forbidden: "No access to flow". ' +
        'Details: flow 10 Request id: req-9. ' +
        "The token's user lacks permission to run recipe 7 or to use its workspace: " +
        'share the flow with that user, or use a token of a user who can run it.'
    )
  })

  it('shows a cleaned snippet of an HTML answer and says there was no request id', () => {
    const html = '<html><head><style>body{}</style></head><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>'
    const error = new ApiError({ method: 'GET', path: '/v4/jobGroups/1/status', status: 502, headers: {}, body: html })
    expect(error.message).toContain('answered HTTP 502 Bad Gateway with a non-JSON answer: "502 Bad Gateway nginx"')
    expect(error.message).toContain('No x-trifacta-request-id came back')
    expect(cleanSnippet('x'.repeat(1000))!.length).toBe(200)
  })

  it('has a hint for 401, 404 (recipe and job group) and 415', () => {
    const body = JSON.stringify({ exception: { name: 'NotFound', message: 'not found' } })
    const hint = (status: number, method = 'POST', path = '/v4/jobGroups') =>
      new ApiError({ method, path, status, headers: {}, body, subject: { recipeId: 7, jobId: 9 } }).hint
    expect(hint(401)).toContain('invalid or expired')
    expect(hint(404)).toContain('Recipe 7 was not found')
    expect(hint(404, 'GET', '/v4/jobGroups/9')).toContain('Job group 9 was not found')
    expect(hint(415)).toContain('Content-Type')
  })

  it("blames the address, not the recipe, when the answer is not the API's: a web page, or a bare 404", () => {
    const hint = (status: number, body: string) =>
      new ApiError({ method: 'POST', path: '/v4/jobGroups', status, headers: {}, body, subject: { recipeId: 7 } }).hint
    const page = '<!DOCTYPE html><html><head><title>Designer Cloud</title></head><body></body></html>'
    expect(hint(200, page)).toContain("api-url looks like the web app's address")
    expect(hint(200, page)).toContain('https://<region>.alteryxcloud.com')
    expect(hint(404, page)).toContain("api-url looks like the web app's address")
    expect(hint(404, 'Cannot POST /v4/jobGroups/v4/jobGroups')).toContain('Nothing answers at this path')
    expect(hint(404, '')).not.toContain('Recipe 7')
    expect(hint(502, page)).toContain('server had an error')
  })
})

describe('buildRunJobGroupRequest', () => {
  it('maps the recipe id, overrides and run parameters; leaves out what is not given', () => {
    expect(buildRunJobGroupRequest(7, undefined, [])).toEqual({ wrangledDataset: { id: 7 } })
    expect(buildRunJobGroupRequest(7, { execution: 'spark' }, [{ key: 'a', value: '1' }])).toEqual({
      wrangledDataset: { id: 7 },
      overrides: { execution: 'spark' },
      runParameters: { overrides: { data: [{ key: 'a', value: '1' }] } }
    })
  })
})
