// Tests of the emulator's hostile-server hooks and their helpers (TLS with a throwaway CA, the redirect recorder,
// the proxy), driven with plain Node http/https, fetch and @actions/http-client, checking what a client sees.
import { execFile, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { HttpClient, getProxyUrl } from '@actions/http-client'
import { describe, expect, it, vi } from 'vitest'
import { Emulator } from '../../emulator/index.ts'
import { EMULATOR_TOKEN } from '../../support/fake-tokens.ts'
import { PROXIED_HOST, TestProxy, proxiedUrl } from '../../support/proxy.ts'
import { WRONG_HOST, caFile, testCertificates } from '../../support/tls.ts'
import { type RawFailure, start, keep, request, failure, viaProxy } from '../../support/raw-http.ts'

describe('tls', () => {
  it('serves https for 127.0.0.1 with a leaf of a throwaway CA that a client must trust', async () => {
    const emulator = await start({ tls: true })
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(emulator.ca).toBe(testCertificates().ca)
    expect(emulator.ca).toMatch(/^-----BEGIN CERTIFICATE-----/)
    const answer = await request(`${emulator.url}/v4/jobGroups/4100`, { ca: emulator.ca })
    expect(answer.status).toBe(404)
    expect(JSON.parse(answer.text)).toMatchObject({ exception: { name: 'NotFound' } })
    const untrusted = await failure(request(`${emulator.url}/v4/jobGroups/4100`))
    expect(untrusted.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it("'wrong-host': a client that trusts the CA still rejects the certificate's name", async () => {
    const emulator = await start({ tls: 'wrong-host' })
    const error = await failure(request(`${emulator.url}/v4/jobLibrary`, { ca: emulator.ca }))
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    expect((error as RawFailure & { cert?: { subjectaltname?: string } }).cert?.subjectaltname).toBe(
      `DNS:${WRONG_HOST}`
    )
    expect(emulator.requests).toEqual([])
  })

  it('caFile() trusts the CA in a child process through NODE_EXTRA_CA_CERTS', async () => {
    const emulator = await start({ tls: true })
    const url = JSON.stringify(`${emulator.url}/v4/jobLibrary`)
    const script =
      `const r = await fetch(${url}, { headers: { authorization: 'Bearer ${EMULATOR_TOKEN}' } }); ` +
      'console.log(r.status)'
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, ...env }
      })
    expect((await run({ NODE_EXTRA_CA_CERTS: caFile() })).stdout.trim()).toBe('200')
    await expect(run({})).rejects.toThrow(/fetch failed/)
  })

  it('generates the certificates once per process, quickly', () => {
    const started = Date.now()
    const first = testCertificates()
    expect(testCertificates()).toBe(first)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(first.server.key).toMatch(/PRIVATE KEY/)
    expect(first.server.cert).not.toBe(first.wrongHost.cert)
  })
})

describe('proxy', () => {
  it('@actions/http-client bypasses any proxy for loopback hosts; PROXIED_HOST goes through it', () => {
    vi.stubEnv('https_proxy', 'http://127.0.0.1:9')
    vi.stubEnv('http_proxy', 'http://127.0.0.1:9')
    vi.stubEnv('no_proxy', '')
    vi.stubEnv('NO_PROXY', '')
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '[::1]']) {
      expect(getProxyUrl(`https://${host}:8443/v4`), host).toBe('')
    }
    expect(getProxyUrl(`https://${PROXIED_HOST}:8443/v4`)).toBe('http://127.0.0.1:9/')
    expect(proxiedUrl('http://127.0.0.1:4321/v4/x?y=1')).toBe(`http://${PROXIED_HOST}:4321/v4/x?y=1`)
    expect(proxiedUrl('https://127.0.0.1:4321')).toBe(`https://${PROXIED_HOST}:4321`)
  })

  it("'forward' tunnels http through CONNECT to 127.0.0.1 and records it", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start())
    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const client = new HttpClient('test', [], { keepAlive: false })
    const response = await client.get(`${proxiedUrl(emulator.url)}/v4/jobLibrary`, {
      authorization: `Bearer ${EMULATOR_TOKEN}`
    })
    expect([response.message.statusCode, JSON.parse(await response.readBody())]).toEqual([200, { data: [], count: 0 }])
    expect(proxy.requests).toEqual([
      expect.objectContaining({
        method: 'CONNECT',
        target: `${PROXIED_HOST}:${new URL(emulator.url).port}`,
        status: 200
      })
    ])
    expect(emulator.requests[0]?.headers.host).toBe(`${PROXIED_HOST}:${new URL(emulator.url).port}`)
  })

  it("'forward' tunnels https for a child process trusting the test CA", async () => {
    const emulator = await start({ tls: true })
    const proxy = keep(await TestProxy.start())
    const clientModule = fileURLToPath(
      new URL('../../../node_modules/@actions/http-client/lib/index.js', import.meta.url)
    )
    const script = `
      const { HttpClient } = await import(${JSON.stringify(clientModule)})
      const url = ${JSON.stringify(`${proxiedUrl(emulator.url)}/v4/jobLibrary`)}
      const response = await new HttpClient('test').get(url, { authorization: 'Bearer ${EMULATOR_TOKEN}' })
      console.log(response.message.statusCode, await response.readBody())
    `
    const env = { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: caFile(), ...proxy.env() }
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env })
    expect(stdout.trim()).toBe('200 {"data":[],"count":0}')
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([['CONNECT', 200]])
    expect(emulator.requests).toHaveLength(1)
  })

  it("'refuse' answers 403 to CONNECT and to plain requests; http-client reports ECONNRESET", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start({ mode: 'refuse' }))
    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const client = new HttpClient('test', [], { keepAlive: false })
    const error = await failure(client.get(`${proxiedUrl(emulator.url)}/v4/jobLibrary`))
    expect(error.code).toBe('ECONNRESET')
    expect(error.message).toContain('statusCode=403')
    const absolute = await viaProxy(proxy, `${proxiedUrl(emulator.url)}/v4/jobLibrary`)
    expect(absolute.status).toBe(403)
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['CONNECT', 403],
      ['GET', 403]
    ])
    expect(emulator.requests).toEqual([])
  })

  it("'auth' answers 407 with Proxy-Authenticate, and forwards with the right credentials", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start({ mode: 'auth', credentials: 'user:p@ss:word' }))
    const url = `${proxiedUrl(emulator.url)}/v4/jobLibrary`
    const denied = await viaProxy(proxy, url)
    expect(denied.status).toBe(407)
    expect(denied.headers['proxy-authenticate']).toBe('Basic realm="test proxy"')

    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const error = await failure(new HttpClient('test', [], { keepAlive: false }).get(url))
    expect(error.message).toContain('statusCode=407')

    for (const [name, value] of Object.entries(proxy.env('user:p@ss:word'))) vi.stubEnv(name, value)
    const response = await new HttpClient('test', [], { keepAlive: false }).get(url, {
      authorization: `Bearer ${EMULATOR_TOKEN}`
    })
    expect(response.message.statusCode).toBe(200)
    await response.readBody()
    const basic = `Basic ${Buffer.from('user:p@ss:word').toString('base64')}`
    expect(proxy.requests.map((r) => [r.method, r.status, r.headers['proxy-authorization']])).toEqual([
      ['GET', 407, undefined],
      ['CONNECT', 407, undefined],
      ['CONNECT', 200, basic]
    ])
  })

  it("'forward' passes plain-HTTP requests in absolute form, without the proxy's own headers", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start())
    const answer = await viaProxy(proxy, `${proxiedUrl(emulator.url)}/v4/jobLibrary?limit=1`, {
      'proxy-authorization': 'Basic eA=='
    })
    expect([answer.status, answer.text]).toEqual([200, '{"data":[],"count":0}'])
    expect(emulator.requests[0]).toMatchObject({
      path: '/v4/jobLibrary',
      query: { limit: '1' },
      headers: { authorization: `Bearer ${EMULATOR_TOKEN}` }
    })
    expect(emulator.requests[0]?.headers['proxy-authorization']).toBeUndefined()
    expect(proxy.requests[0]).toMatchObject({
      method: 'GET',
      target: `${proxiedUrl(emulator.url)}/v4/jobLibrary?limit=1`,
      status: 200
    })
  })

  it('answers 502 when nothing listens at the target port', async () => {
    const proxy = keep(await TestProxy.start())
    const closed = await Emulator.start()
    await closed.close()
    const answer = await viaProxy(proxy, `${proxiedUrl(closed.url)}/v4/jobLibrary`)
    expect(answer.status).toBe(502)
    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const error = await failure(
      new HttpClient('test', [], { keepAlive: false }).get(`${proxiedUrl(closed.url)}/v4/jobLibrary`)
    )
    expect(error.message).toContain('statusCode=502')
  })
})

describe('close()', () => {
  it('ends drips, streams, TLS sockets, tunnels and timers: a plain Node process using them exits by itself', () => {
    const module = (path: string): string => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)))
    const script = `
      const { Emulator } = await import(${module('../../emulator/index.ts')})
      const { TestProxy, proxiedUrl } = await import(${module('../../support/proxy.ts')})
      const { Recorder } = await import(${module('../../support/recorder.ts')})
      const emulator = await Emulator.start({ tls: true, faults: [
        { path: '/drip', action: { kind: 'drip', everyMs: 50 } },
        { path: '/huge', action: { kind: 'huge', bytes: 1e12, everyMs: 50 } },
        { method: 'POST', action: { kind: 'foreign-job-group', delayMs: 60000 } },
        { method: 'POST', action: { kind: 'delay', ms: 60000 } },
      ] })
      const plain = await Emulator.start()
      const proxy = await TestProxy.start()
      const recorder = await Recorder.start({ tls: true })
      const https = await import('node:https')
      const get = (path, method = 'GET') => new Promise((resolve) => {
        const options = { method, ca: emulator.ca, headers: { authorization: 'Bearer ${EMULATOR_TOKEN}' } }
        const req = https.request(emulator.url + path, options, (res) => {
          res.resume()
          res.on('end', () => resolve('answered'))
          res.on('error', () => resolve('aborted'))
        })
        req.on('error', () => resolve('aborted'))
        req.end()
      })
      const pending = [get('/drip'), get('/huge'), get('/v4/jobGroups', 'POST')]
      const net = await import('node:net')
      const tunnel = net.connect(Number(new URL(proxy.url).port), '127.0.0.1')
      tunnel.on('error', () => {})
      tunnel.write('CONNECT ' + new URL(proxiedUrl(plain.url)).host + ' HTTP/1.1\\r\\n\\r\\n')
      await new Promise((resolve) => setTimeout(resolve, 300))
      await Promise.all([emulator.close(), plain.close(), proxy.close(), recorder.close()])
      console.log((await Promise.all(pending)).join(' '), proxy.requests.map((r) => r.status).join())
    `
    const started = Date.now()
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 15_000
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('aborted aborted aborted 200')
    expect(child.status).toBe(0)
    expect(Date.now() - started).toBeLessThan(8000)
  })
})
