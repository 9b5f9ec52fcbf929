// Promise: the action never leaks a secret. A token pasted as `Bearer <token>` is masked in its bare form too, so a
// server that echoes it (in a 401, an exception, an HTML page, a stage error, a request id header; plain,
// URL-encoded or JSON-escaped) cannot put it into an annotation, the summary, an output or the state. Outputs are
// redacted before they are first written. The token goes only to api-url's origin: a redirect to another port gets
// no request at all.
import { afterEach, describe, expect, it } from 'vitest'
import { emulator, errors, expectNoSecretLeak, inputsFor, run } from '../../support/e2e.ts'
import { API_TOKEN, WRONG_API_TOKEN } from '../../support/fake-tokens.ts'
import { Recorder } from '../../support/recorder.ts'
import { expectPromisesKept } from './promises.ts'

const recorders: Recorder[] = []
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.close()))
})

/** A token with the characters that URL-encoding and JSON escaping change. */
const ODD_TOKEN = 'tk+SECRET/9c1e="x"'
const forms = (token: string): string[] => [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1)]

describe('a token pasted as "Bearer <token>"', () => {
  it.each(['Bearer ', 'bearer  '])(
    '%j: the bare token is masked, and a 401 echoing it shows it nowhere',
    async (prefix) => {
      const e = await emulator({ token: WRONG_API_TOKEN, echoTokenOnAuthError: true })
      const result = await run(inputsFor(e, { 'api-token': `${prefix}${API_TOKEN}` }))

      expect(result.code).toBe(1)
      expect(result.stdout).toContain(`::add-mask::${API_TOKEN}\n`)
      expect(e.requests[0]!.headers.authorization).toBe(`Bearer ${API_TOKEN}`)
      const error = errors(result).join('\n')
      expect(error).toContain('answered HTTP 401')
      expect(error).toMatch(/Invalid Authorization header: (Bearer )?\*\*\* Request id/)
      expect(result.summary).toMatch(/Invalid Authorization header: (Bearer )?&#42;&#42;&#42; Request id/)
      expectNoSecretLeak(result, [API_TOKEN, `${prefix}${API_TOKEN}`])
      expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 1 })
    }
  )
})

describe('a server that echoes the token', () => {
  it('in exceptions, an HTML page, a stage error and the request id: every form is redacted everywhere', async () => {
    const token = ODD_TOKEN
    const [, encoded, escaped] = forms(token)
    const page = `<html><body>token=${encoded} json="${escaped}"</body></html>`
    const e = await emulator({
      token,
      scenario: {
        durationMs: 2000,
        finalStatus: 'Failed',
        stages: [{ jobType: 'wrangle', errorMessage: `auth ${token} rejected` }]
      },
      faults: [
        // The token in the trigger's request id: the request-id output is redacted before it is first written.
        {
          method: 'POST',
          path: '/v4/jobGroups',
          action: {
            kind: 'status',
            status: 201,
            body: { id: 4100 },
            headers: { 'x-trifacta-request-id': `req-${token}` },
            act: true
          }
        },
        {
          method: 'GET',
          path: /\/status$/,
          after: 1,
          times: 1,
          action: {
            kind: 'status',
            status: 500,
            body: { exception: { name: 'Oops', message: `bad ${token}`, details: `Bearer ${token}` } }
          }
        },
        { method: 'GET', path: /\/status$/, after: 2, times: 1, action: { kind: 'status', status: 502, raw: page } }
      ]
    })
    const result = await run(inputsFor(e, { 'api-token': token }))

    expect(result.code).toBe(1)
    expect(result.outputs['request-id']).toBe('req-***')
    expect(result.files.output).not.toContain('req-tk')
    expect(result.outputs.status).toBe('Failed')
    expect(result.stdout).toMatch(/::debug::GET \/v4\/jobGroups\/4100\/status failed \(HTTP 500 Oops/)
    expect(errors(result).join('\n')).toContain('Stage wrangle failed: "auth *** rejected"')
    expect(result.summary).toContain('auth &#42;&#42;&#42; rejected')
    expectNoSecretLeak(result, forms(token))
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('the token goes only to the origin of api-url', () => {
  it('a redirect of a status read to another port: not followed, the other port gets nothing', async () => {
    const recorder = await Recorder.start()
    recorders.push(recorder)
    const e = await emulator({
      faults: [
        {
          method: 'GET',
          path: /\/status$/,
          after: 1,
          action: { kind: 'redirect', status: 307, location: recorder.url, appendPath: true }
        }
      ]
    })
    const result = await run(inputsFor(e))

    expect(recorder.requests).toEqual([])
    expect(result.stdout).toMatch(
      /another origin than http:\/\/127\.0\.0\.1:\d+; the token is only sent to api-url's origin/
    )
    // One such answer does not end the wait.
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a redirect of the trigger to another port: not followed, nothing started there, the step says why', async () => {
    const recorder = await Recorder.start()
    recorders.push(recorder)
    const e = await emulator({
      faults: [
        {
          method: 'POST',
          path: '/v4/jobGroups',
          action: { kind: 'redirect', status: 307, location: recorder.url, appendPath: true }
        }
      ]
    })
    const result = await run(inputsFor(e))

    expect(recorder.requests).toEqual([])
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+\/v4\/jobGroups, another origin/)
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 1 })
  })

  it('a redirect within the origin is followed, with the token', async () => {
    const e = await emulator()
    e.addFault({
      method: 'GET',
      path: '/v4/jobGroups/4100/status',
      after: 1,
      action: { kind: 'redirect', status: 307, location: `${e.url}/v4/jobGroups/4100/status?via=redirect` }
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    const followed = e.requests.find((r) => r.query.via === 'redirect')
    expect(followed?.headers.authorization).toBe(`Bearer ${API_TOKEN}`)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})
