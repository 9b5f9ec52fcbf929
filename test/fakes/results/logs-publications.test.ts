// Tests of the emulator's GET /v4/jobGroups/{id}/logs (a real ZIP) and /publications, over real HTTP.
import { unzipSync, strFromU8 } from 'fflate'
import { describe, expect, it, vi } from 'vitest'
import type { Emulator } from '../../emulator/index.ts'
import { startAacEmulator } from '../../emulator/index.ts'
import { call, freezeDate, startEmulator as start, T0 } from '../../support/emulator-client.ts'

async function download(emulator: Emulator, path: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const response = await fetch(emulator.url + path, {
    headers: { authorization: `Bearer ${emulator.token}`, accept: 'application/zip, */*' }
  })
  const bytes = Buffer.from(await response.arrayBuffer())
  return { status: response.status, type: response.headers.get('content-type') ?? '', bytes }
}

function entries(bytes: Buffer): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]))
}

describe('GET /v4/jobGroups/{id}/logs', () => {
  it("answers a ZIP with one folder per started stage, the failing stage's job.log ending in its error", async () => {
    freezeDate(T0)
    const emulator = await start({
      scenario: {
        durationMs: 3000,
        finalStatus: 'Failed',
        stages: [{ jobType: 'wrangle', errorMessage: 'Column amount is missing' }, { jobType: 'filewriter' }]
      }
    })
    const id = emulator.createJobGroup(7)
    vi.setSystemTime(T0 + 5000)
    const answer = await download(emulator, `/v4/jobGroups/${id}/logs`)

    expect(answer.status).toBe(200)
    expect(answer.type).toBe('application/zip')
    const files = entries(answer.bytes)
    expect(Object.keys(files)).toEqual(['41001/job.log', '41002/job.log'])
    const failed = files['41001/job.log']!.trimEnd().split('\n')
    expect(failed[0]).toMatch(/INFO .*Starting wrangle job 41001 of job group 4100$/)
    expect(failed).toContainEqual(expect.stringMatching(/ERROR .*Job 41001 failed: Column amount is missing$/))
    expect(failed).toContain('Caused by: java.io.IOException: Could not write to the output location')
    expect(files['41002/job.log']).toMatch(/WARN .*Job 41002 was canceled/)
  })

  it('holds only the stages that have started while the job group runs', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 3000 } })
    const id = emulator.createJobGroup(7)
    vi.setSystemTime(T0 + 1600)
    expect(Object.keys(entries((await download(emulator, `/v4/jobGroups/${id}/logs`)).bytes))).toEqual([
      '41001/job.log'
    ])
  })

  it("serves a stage's own lines, longer logs, and hostile entries as given", async () => {
    const emulator = await start({
      scenario: {
        durationMs: 0,
        stages: [{ jobType: 'wrangle', log: ['one', '::error::forged'] }, { jobType: 'filewriter' }],
        logArchive: {
          extraLines: 3,
          entries: [
            { name: '../escape.log', text: 'out' },
            { name: '/etc/abs.log', text: 'abs' },
            { name: 'n', repeat: 2 },
            { name: 'd/x.log', repeat: 2 }
          ]
        }
      }
    })
    const id = emulator.createJobGroup(7)
    const files = entries((await download(emulator, `/v4/jobGroups/${id}/logs`)).bytes)
    expect(Object.keys(files)).toEqual([
      '41001/job.log',
      '41002/job.log',
      '../escape.log',
      '/etc/abs.log',
      'n-1',
      'n-2',
      'd/x-1.log',
      'd/x-2.log'
    ])
    expect(files['41001/job.log']).toBe('one\n::error::forged\n')
    expect(files['41002/job.log']).toMatch(/Row batch 3\n.*ended Complete\n$/)
  })

  it('makes a ZIP bomb small and a padded archive large, at request time', async () => {
    const emulator = await start({
      scenario: {
        durationMs: 0,
        logArchive: {
          entries: [{ name: 'bomb.log', zeroBytes: 64 * 1024 * 1024 }],
          leading: [{ name: 'pad', randomBytes: 2e6 }]
        }
      }
    })
    const id = emulator.createJobGroup(7)
    const { bytes } = await download(emulator, `/v4/jobGroups/${id}/logs`)
    expect(bytes.length).toBeGreaterThan(2e6)
    expect(bytes.length).toBeLessThan(2e6 + 200_000)
    const sizes = Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, data.length]))
    expect(sizes).toMatchObject({ pad: 2e6, 'bomb.log': 64 * 1024 * 1024 })
  })

  it('answers 404 on legacy and AAC editions, or the refusal an edition is given', async () => {
    const legacy = await start({ legacy: true, scenario: { durationMs: 0 } })
    const forbidden = await start({ jobLogs: 403, scenario: { durationMs: 0 } })
    const aac = await startAacEmulator({ emulator: { scenario: { durationMs: 0 } } })
    try {
      for (const [emulator, status] of [
        [legacy, 404],
        [forbidden, 403],
        [aac.emulator, 404]
      ] as const) {
        const id = emulator.createJobGroup(7)
        const answer = await call(emulator, 'GET', `/v4/jobGroups/${id}/logs`)
        expect(answer.status).toBe(status)
        expect(answer.json).toEqual({ exception: expect.objectContaining({ name: expect.any(String) }) })
      }
    } finally {
      await aac.close()
    }
  })

  it('answers 404 for a job group that does not exist', async () => {
    const emulator = await start()
    expect((await call(emulator, 'GET', '/v4/jobGroups/999/logs')).status).toBe(404)
  })
})

describe('GET /v4/jobGroups/{id}/publications', () => {
  it("lists the publications the request's overrides asked for, once Complete", async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 1000 } })
    const publications = [
      { path: ['analytics', 'public'], tableName: 'sales', targetType: 'postgres', action: 'createAndLoad' }
    ]
    const created = await call(emulator, 'POST', '/v4/jobGroups', {
      body: { wrangledDataset: { id: 7 }, overrides: { publications } }
    })
    const id = (created.json as { id: number }).id
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/publications`)).json).toEqual({ data: [], count: 0 })
    vi.setSystemTime(T0 + 2000)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/publications`)).json).toEqual({
      data: [
        {
          id: id * 100 + 1,
          path: ['analytics', 'public'],
          tableName: 'sales',
          targetType: 'postgres',
          action: 'createAndLoad',
          outputobject: { id: id * 10 },
          connection: { id: 1 },
          createdAt: new Date(T0 + 1000).toISOString(),
          updatedAt: new Date(T0 + 1000).toISOString(),
          parameters: {}
        }
      ],
      count: 1
    })
  })

  it("serves the scenario's publications as given", async () => {
    const emulator = await start({
      scenario: { durationMs: 0, publications: [{ tableName: 'x', targetType: 'bigquery', action: 'upsert' }] }
    })
    const id = emulator.createJobGroup(7)
    const answer = await call(emulator, 'GET', `/v4/jobGroups/${id}/publications`)
    expect(answer.json).toMatchObject({
      data: [{ tableName: 'x', targetType: 'bigquery', action: 'upsert' }],
      count: 1
    })
  })
})
