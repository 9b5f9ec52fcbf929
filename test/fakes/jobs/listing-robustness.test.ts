// Tests of the Trifacta API emulator itself, over real HTTP with Node's fetch.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts'
import {
  call,
  exceptionBody,
  freezeDate,
  startEmulator as start,
  T0,
  type Answer
} from '../../support/emulator-client.ts'
import { EMULATOR_TOKEN } from '../../support/fake-tokens.ts'
import { parseCommandFile } from '../../support/run-action.ts'
import { trigger } from '../../support/job-emulator.ts'

describe('listing', () => {
  async function withThreeJobGroups(options?: EmulatorOptions): Promise<Emulator> {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 1000 }, ...options })
    for (const offset of [0, 2000, 4000]) {
      vi.setSystemTime(T0 + offset)
      emulator.createJobGroup(7)
    }
    vi.setSystemTime(T0 + 4500)
    return emulator
  }
  const ids = (answer: Answer): number[] =>
    (answer.json as { data: Array<{ id: number }> }).data.map((group) => group.id)

  it('lists newest first by default, honours limit, offset, sort, status and dateFilter', async () => {
    const emulator = await withThreeJobGroups()
    const all = await call(emulator, 'GET', '/v4/jobLibrary')
    expect(ids(all)).toEqual([4102, 4101, 4100])
    expect(all.json).toMatchObject({ count: 3, data: [{ status: 'InProgress', ranfor: 'recipe' }, {}, {}] })
    expect(ids(await call(emulator, 'GET', '/v4/jobLibrary?limit=1&offset=1&sort=-createdAt'))).toEqual([4101])
    expect(ids(await call(emulator, 'GET', '/v4/jobGroups?sort=createdAt'))).toEqual([4100, 4101, 4102])
    expect(ids(await call(emulator, 'GET', '/v4/jobLibrary?status=Complete&ranfor=recipe'))).toEqual([4101, 4100])
    expect(ids(await call(emulator, 'GET', '/v4/jobLibrary?ranfor=sampling'))).toEqual([])
    const query = new URLSearchParams({ 'dateFilter[createdAt][gte]': String(T0 + 2000), limit: '25' })
    const recent = await call(emulator, 'GET', `/v4/jobLibrary?${query}`)
    expect(ids(recent)).toEqual([4102, 4101])
    expect(recent.json).toMatchObject({ count: 2 })
    expect((await call(emulator, 'GET', '/v4/jobLibrary?limit=-1')).status).toBe(400)
  })

  it('defaults to 25 items', async () => {
    const emulator = await start()
    for (let i = 0; i < 30; i++) emulator.createJobGroup(7)
    const answer = await call(emulator, 'GET', '/v4/jobGroups')
    expect(ids(answer)).toHaveLength(25)
    expect(answer.json).toMatchObject({ count: 30 })
  })

  it("hides /v4/jobLibrary with listing 'jobGroups' and both lists with 'none'", async () => {
    const older = await withThreeJobGroups({ listing: 'jobGroups' })
    expect((await call(older, 'GET', '/v4/jobLibrary')).status).toBe(404)
    expect(ids(await call(older, 'GET', '/v4/jobGroups'))).toHaveLength(3)
    const none = await start({ listing: 'none' })
    expect((await call(none, 'GET', '/v4/jobLibrary')).status).toBe(404)
    expect((await call(none, 'GET', '/v4/jobGroups')).status).toBe(404)
  })
})

describe('legacy mode', () => {
  it('answers 404 on /status and /cancel, the rest works', async () => {
    const emulator = await start({ legacy: true })
    const { id } = (await trigger(emulator)).json as { id: number }
    const status = await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)
    expect(status.status).toBe(404)
    expect(status.json).toEqual(exceptionBody('NotFound'))
    expect((await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`, { body: {} })).status).toBe(404)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}`)).status).toBe(200)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).status).toBe(200)
  })
})

describe('robustness', () => {
  it('serves many concurrent clients', async () => {
    const emulator = await start({ scenario: { durationMs: 100 } })
    const answers = await Promise.all(Array.from({ length: 40 }, () => trigger(emulator)))
    expect(answers.every((answer) => answer.status === 201)).toBe(true)
    expect(new Set(answers.map((answer) => (answer.json as { id: number }).id)).size).toBe(40)
  })

  it('close() leaves nothing open: a plain Node process using it exits by itself', () => {
    const emulatorModule = fileURLToPath(new URL('../../emulator/index.ts', import.meta.url))
    const script = `
      const { Emulator } = await import(${JSON.stringify(emulatorModule)})
      const emulator = await Emulator.start({
        faults: [{ path: '/v4/jobGroups/4100', action: { kind: 'delay', ms: 60000 } }]
      })
      const headers = { authorization: 'Bearer ${EMULATOR_TOKEN}' }
      await fetch(emulator.url + '/v4/jobLibrary', { headers })
      const pending = fetch(emulator.url + '/v4/jobGroups/4100', { headers }).then(() => 'answered', () => 'aborted')
      await new Promise((resolve) => setTimeout(resolve, 100))
      await emulator.close()
      console.log(await pending)
    `
    const started = Date.now()
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('aborted')
    expect(child.status).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('parseCommandFile', () => {
  it('reads heredoc and name=value entries', () => {
    const text = [
      'job-id<<ghadelimiter_1',
      '4100',
      'ghadelimiter_1',
      'summary<<EOF',
      'line one',
      'a=b << c',
      '',
      'EOF',
      'status=Complete',
      'url=https://x.test/?a=b<<c',
      ''
    ].join('\r\n')
    expect(parseCommandFile(text)).toEqual({
      'job-id': '4100',
      summary: 'line one\na=b << c\n',
      status: 'Complete',
      url: 'https://x.test/?a=b<<c'
    })
  })

  it('rejects a heredoc without its closing delimiter', () => {
    expect(() => parseCommandFile('name<<EOF\nvalue\n')).toThrow(/EOF/)
  })
})
