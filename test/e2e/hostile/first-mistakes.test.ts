// Promise: a new user's first mistakes fail fast and say what is wrong. An api-url whose port refuses every
// connection for 30 s fails the step with one warning at most, naming the host and port and the likely causes; a
// job-id that names no job group fails with "Job group N was not found" and says nothing about it running.
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { everything, expectPromisesKept, timeLapse } from './promises.ts'

/** A port on 127.0.0.1 that nothing listens on (just freed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

describe('an api-url whose port refuses every connection', () => {
  it.each([
    ['a recipe run', {}],
    ['an attach (job-id)', { 'recipe-id': '', 'job-id': '4100' }]
  ])(
    '%s: fails after about 30 s, with one warning at most, naming host and port',
    async (_name, extra) => {
      const port = await closedPort()
      const e = await emulator()
      // 10 times faster: the action's 30 s pass in 3 s.
      const result = await run(inputsFor(e, { 'api-url': `http://127.0.0.1:${port}`, ...extra }), timeLapse(10))

      expect(result.code).toBe(1)
      expect(result.durationMs, 'real ms (the action saw 10 times as many)').toBeLessThan(10_000)
      expect(warnings(result).length, 'warnings').toBeLessThanOrEqual(1)
      const said = errors(result).join('\n')
      expect(said).toContain(`127.0.0.1:${port}`)
      expect(said).toMatch(/connection refused/)
      expect(said).toMatch(/port/)
      expect(said).toMatch(/firewall/)
      expect(said).toMatch(/self-hosted runner/)
      expect(errors(result)).toHaveLength(1)
      expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0, linkOrigins: [`http://127.0.0.1:${port}`] })
    },
    60_000
  )
})

describe('attaching to a job group that does not exist', () => {
  it('fails with "Job group N was not found" and says nothing about it running', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'recipe-id': '', 'job-id': '99999' }))

    expect(result.code).toBe(1)
    expect(result.durationMs).toBeLessThan(15_000)
    const said = errors(result).join('\n')
    expect(said).toContain('Job group 99999 was not found')
    expect(everything(result)).not.toMatch(/keeps running|lost contact/i)
    expect(everything(result)).not.toMatch(/Attached to job 99999/)
    expect(e.requestsTo('POST', /\/cancel$/)).toHaveLength(0)
    expect(result.state.runId).toBeUndefined()
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  }, 60_000)
})
