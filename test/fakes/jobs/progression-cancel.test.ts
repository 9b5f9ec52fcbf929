// Tests of the Trifacta API emulator itself, over real HTTP with Node's fetch.
import { describe, expect, it, vi } from 'vitest'
import { call, exceptionBody, freezeDate, startEmulator as start, T0 } from '../../support/emulator-client.ts'
import { trigger, iso } from '../../support/job-emulator.ts'

describe('job progression', () => {
  it('walks through the statuses to Complete; updatedAt is the last change', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 300, statuses: ['Pending', 'Queued', 'InProgress'] } })
    const id = (await trigger(emulator)).json as { id: number }
    const statusAt = async (ms: number): Promise<unknown> => {
      vi.setSystemTime(T0 + ms)
      return (await call(emulator, 'GET', `/v4/jobGroups/${id.id}/status`)).json
    }
    expect(await statusAt(0)).toBe('Pending')
    expect(await statusAt(150)).toBe('Queued')
    expect(await statusAt(250)).toBe('InProgress')
    expect(await statusAt(300)).toBe('Complete')

    vi.setSystemTime(T0 + 5000)
    const group = await call(emulator, 'GET', `/v4/jobGroups/${id.id}`)
    expect(group.json).toEqual({
      id: 4100,
      status: 'Complete',
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0 + 300).toISOString(),
      ranfrom: 'api',
      ranfor: 'recipe',
      profilingEnabled: false,
      runParameterReferenceDate: new Date(T0).toISOString(),
      wrangledDataset: { id: 7 },
      creator: { id: 1 },
      updater: { id: 1 }
    })
  })

  it('shows an unknown status string and ends Failed', async () => {
    freezeDate(T0)
    const emulator = await start({
      scenarios: { 42: { durationMs: 200, statuses: ['Paused'], finalStatus: 'Failed' } }
    })
    const id = emulator.createJobGroup(42)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)).json).toBe('Paused')
    vi.setSystemTime(T0 + 200)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}`)).json).toMatchObject({
      status: 'Failed',
      wrangledDataset: { id: 42 }
    })
  })

  it('progresses in real time too', async () => {
    const emulator = await start({ scenario: { durationMs: 150 } })
    const { id } = (await trigger(emulator)).json as { id: number }
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)).json).toBe('Created')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)).json).toBe('Complete')
  })

  it('runs the stages one after the other with their own timestamps', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 400 } }) // Created 0-200, InProgress 200-400
    const id = emulator.createJobGroup(7)
    const stagesAt = async (ms: number): Promise<Array<Record<string, unknown>>> => {
      vi.setSystemTime(T0 + ms)
      return (
        (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as { data: Array<Record<string, unknown>> }
      ).data
    }
    expect((await stagesAt(100)).map((stage) => stage.status)).toEqual(['Created', 'Created'])
    const running = await stagesAt(250)
    expect(running.map((stage) => stage.status)).toEqual(['InProgress', 'Created'])
    expect(running[0]).toMatchObject({
      jobType: 'wrangle',
      percentComplete: 50,
      errorMessage: null,
      executionLanguage: 'photon',
      jobGroup: { id }
    })
    const done = await stagesAt(400)
    expect(done).toEqual([
      expect.objectContaining({
        status: 'Complete',
        percentComplete: 100,
        createdAt: iso(T0 + 200),
        updatedAt: iso(T0 + 300)
      }),
      expect.objectContaining({
        status: 'Complete',
        jobType: 'filewriter',
        createdAt: iso(T0 + 300),
        updatedAt: iso(T0 + 400)
      })
    ])
  })

  it('fails the stage carrying an errorMessage; earlier ones Complete, later ones Canceled', async () => {
    freezeDate(T0)
    const stages = [
      { jobType: 'wrangle' },
      { jobType: 'filewriter', errorMessage: 'Disk quota exceeded' },
      { jobType: 'publish' }
    ]
    const emulator = await start({ scenario: { durationMs: 300, finalStatus: 'Failed', stages } })
    const id = emulator.createJobGroup(7)
    vi.setSystemTime(T0 + 300)
    const { data } = (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as {
      data: Array<Record<string, unknown>>
    }
    expect(data.map((stage) => [stage.status, stage.errorMessage])).toEqual([
      ['Complete', null],
      ['Failed', { message: 'Disk quota exceeded' }],
      ['Canceled', null]
    ])
  })

  it('fails the last stage with a default message when no stage carries one', async () => {
    const emulator = await start({ scenario: { durationMs: 0, finalStatus: 'Failed' } })
    const id = emulator.createJobGroup(7)
    const { data } = (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as {
      data: Array<Record<string, unknown>>
    }
    expect(data.map((stage) => stage.status)).toEqual(['Complete', 'Failed'])
    expect(data[1]?.errorMessage).toEqual({ message: expect.stringMatching(/\w{10}/) })
  })

  it('answers /outputs with empty lists until Complete, then the scenario outputs', async () => {
    freezeDate(T0)
    const outputs = { files: [{ id: 1, path: '/out/a.csv', format: 'csv' }], tables: [] }
    const emulator = await start({ scenario: { durationMs: 100, outputs } })
    const id = emulator.createJobGroup(7)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/outputs`)).json).toEqual({ files: [], tables: [] })
    vi.setSystemTime(T0 + 100)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/outputs`)).json).toEqual(outputs)
    const other = emulator.createJobGroup(7, { durationMs: 0 })
    const defaults = (await call(emulator, 'GET', `/v4/jobGroups/${other}/outputs`)).json as {
      files: unknown[]
      tables: unknown[]
    }
    expect([defaults.files.length, defaults.tables.length]).toEqual([1, 1])
  })
})

describe('POST /v4/jobGroups/{id}/cancel', () => {
  it('cancels a running job group at once, with its unfinished stages', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 400 } })
    const id = emulator.createJobGroup(7)
    vi.setSystemTime(T0 + 250)
    const answer = await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`, { body: {} })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ jobgroupId: id, jobIds: [41001, 41002] })
    vi.setSystemTime(T0 + 1000)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}`)).json).toMatchObject({
      status: 'Canceled',
      updatedAt: iso(T0 + 250)
    })
    const { data } = (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as {
      data: Array<Record<string, unknown>>
    }
    expect(data.map((stage) => stage.status)).toEqual(['Canceled', 'Canceled'])
    expect(emulator.jobGroups()[0]).toMatchObject({ status: 'Canceled', canceled: true })
  })

  it('leaves a finished job group unchanged, also without a body', async () => {
    const emulator = await start({ scenario: { durationMs: 0 } })
    const id = emulator.createJobGroup(7)
    const answer = await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`)
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ jobgroupId: id, jobIds: [41001, 41002] })
    expect(emulator.jobGroups()[0]).toMatchObject({ status: 'Complete', canceled: false })
  })

  it('answers 404 for an unknown job group', async () => {
    const emulator = await start()
    const answer = await call(emulator, 'POST', '/v4/jobGroups/999/cancel', { body: {} })
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual(exceptionBody('NotFound'))
  })
})
