// Promise: the action reports the truth about a start that never left the machine. A failed TLS handshake (an
// untrusted CA, a certificate for another name, http against https or the reverse), a proxy that refuses or wants
// credentials, a host that does not exist and a token no header can carry all mean that nothing was sent: the step
// says so and names the cause (with the NODE_EXTRA_CA_CERTS fix for an internal CA), and never claims that the job
// may have started.
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Emulator } from '../../emulator/index.ts'
import { emulator, errors, expectNoSecretLeak, inputsFor, run } from '../../support/e2e.ts'
import { PROXY_CREDENTIALS } from '../../support/fake-tokens.ts'
import { proxiedUrl, TestProxy } from '../../support/proxy.ts'
import type { ActionResult } from '../../support/run-action.ts'
import { caFile } from '../../support/tls.ts'
import { everything, expectPromisesKept } from './promises.ts'

const proxies: TestProxy[] = []
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()))
})

async function proxy(mode: 'forward' | 'refuse' | 'auth', credentials?: string): Promise<TestProxy> {
  const started = await TestProxy.start({ mode, credentials })
  proxies.push(started)
  return started
}

/** Nothing reached the API, the step says so with `cause`, and nothing suggests the job may have started. */
function expectNothingSent(e: Emulator, result: ActionResult, cause: RegExp, linkOrigin = new URL(e.url).origin): void {
  expect(result.code).toBe(1)
  expect(e.requests).toHaveLength(0)
  const error = errors(result).join('\n')
  expect(error).toMatch(/^::error title=Could not start the job::Nothing was sent to the API at /)
  expect(error).toMatch(cause)
  expect(everything(result)).not.toMatch(/may have (started|arrived)/i)
  expect(result.outputs['job-id'] ?? '').toBe('')
  expect(result.state.runId).toBeUndefined()
  expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0, linkOrigins: [linkOrigin] })
}

describe('TLS handshake failures', () => {
  it('an untrusted CA: nothing sent, how to trust an internal CA; trusted via NODE_EXTRA_CA_CERTS: runs', async () => {
    const e = await emulator({ tls: true })
    const result = await run(inputsFor(e))
    expectNothingSent(
      e,
      result,
      /certificate is not trusted\. If an internal CA signed it, .*set NODE_EXTRA_CA_CERTS to its PEM file/
    )
    expect(result.durationMs).toBeLessThan(10_000)

    const trusted = await run(inputsFor(e), { env: { NODE_EXTRA_CA_CERTS: caFile() } })
    expect(trusted.code).toBe(0)
    expect(trusted.outputs.status).toBe('Complete')
    expectPromisesKept(e, trusted, { ownJobGroups: 1, triggers: 1 })
  })

  it('a certificate for another host name: nothing sent, the name mismatch named', async () => {
    const e = await emulator({ tls: 'wrong-host' })
    const result = await run(inputsFor(e), { env: { NODE_EXTRA_CA_CERTS: caFile() } })
    expectNothingSent(e, result, /ERR_TLS_CERT_ALTNAME_INVALID.*the certificate is not for 127\.0\.0\.1/)
  })

  it('https against a plain http port: nothing sent, "is this an https port?"', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'api-url': e.url.replace('http:', 'https:') }))
    expect(e.requests).toHaveLength(0)
    expectNothingSent(e, result, /no TLS handshake with 127\.0\.0\.1:\d+ .*is this an https port\?/)
  })

  it('plain http against a TLS port: the port speaks TLS, the request was dropped unread; nothing sent', async () => {
    const e = await emulator({ tls: true })
    const result = await run(inputsFor(e, { 'api-url': e.url.replace('https:', 'http:') }))
    expectNothingSent(
      e,
      result,
      /127\.0\.0\.1:\d+ speaks https, not plain http, so the request was dropped unread: use https:\/\/127\.0\.0\.1:\d+/
    )
    expect(result.durationMs).toBeLessThan(10_000)
  })
})

describe('proxies', () => {
  it('a proxy that refuses the tunnel: nothing sent, the proxy named', async () => {
    const e = await emulator({ tls: true })
    const refusing = await proxy('refuse')
    const env = { ...refusing.env(), NODE_EXTRA_CA_CERTS: caFile() }
    const result = await run(inputsFor(e, { 'api-url': proxiedUrl(e.url) }), { env })
    expect(refusing.requests.map((r) => [r.method, r.status])).toEqual([['CONNECT', 403]])
    expectNothingSent(
      e,
      result,
      /the proxy refused to connect to the API \(HTTP 403\): check https_proxy and no_proxy/,
      new URL(proxiedUrl(e.url)).origin
    )
  })

  it('a proxy that asks for credentials (407): nothing sent, how to give them; with them, the job runs', async () => {
    const e = await emulator({ tls: true })
    const auth = await proxy('auth', PROXY_CREDENTIALS)
    const url = proxiedUrl(e.url)
    const denied = await run(inputsFor(e, { 'api-url': url }), {
      env: { ...auth.env(), NODE_EXTRA_CA_CERTS: caFile() }
    })
    expectNothingSent(
      e,
      denied,
      /the proxy asks for credentials \(407\): put them in the proxy URL/,
      new URL(url).origin
    )

    const env = { ...auth.env(PROXY_CREDENTIALS), NODE_EXTRA_CA_CERTS: caFile() }
    const allowed = await run(inputsFor(e, { 'api-url': url }), { env })
    expect(allowed.code).toBe(0)
    expect(allowed.outputs.status).toBe('Complete')
    expectNoSecretLeak(allowed)
    expectPromisesKept(e, allowed, { ownJobGroups: 1, triggers: 1, linkOrigins: [new URL(url).origin] })
  })
})

describe('names and tokens that cannot be sent', () => {
  it('a host that does not exist (ENOTFOUND): fails within 30 s saying so, nothing sent', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'api-url': 'https://api.no-such-instance.invalid' }))
    expectNothingSent(
      e,
      result,
      /the host api\.no-such-instance\.invalid does not exist \(ENOTFOUND\); check api-url for a typo/,
      'https://api.no-such-instance.invalid'
    )
    expect(result.durationMs).toBeLessThan(30_000)
  })

  it.each([
    ['a control character', 'tk-\u0007bell'],
    ['a zero-width space', 'tk-\u200bhidden'],
    ['a non-ASCII letter', 'tk-tökén'],
    ['a line break inside', 'tk-one\ntwo']
  ])('a token with %s: an input error naming api-token, nothing sent', async (_name, token) => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'api-token': token }))
    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    expect(errors(result).join('\n')).toMatch(/^::error title=Invalid input%3A api-token::Input 'api-token': contains/m)
    expect(result.stdout).toContain('An input is invalid; nothing was sent.')
    expect(result.summary).toContain('Invalid input: nothing was sent')
    expect(everything(result)).not.toMatch(/may have started/i)
    expectNoSecretLeak(result, [token])
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  })
})

/** Whether this machine can listen on IPv6's loopback address. */
const ipv6 = await new Promise<boolean>((resolve) => {
  const server = createServer()
  server.once('error', () => resolve(false))
  server.listen(0, '::1', () => server.close(() => resolve(true)))
})

describe('addresses', () => {
  it.skipIf(!ipv6)(
    'http://[::1]:PORT (skipped: this machine has no IPv6 loopback): sent there, and the job runs',
    async () => {
      const e = await emulator({ host: '::1' })
      expect(e.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
      const result = await run(inputsFor(e))

      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('Complete')
      expect(result.outputs['job-url']).toBe(`${e.url}/jobs/4100`)
      expect(result.stdout).not.toMatch(/ENOTFOUND/)
      expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
    }
  )
})
