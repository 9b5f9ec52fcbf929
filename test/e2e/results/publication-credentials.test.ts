// A publication's path and table name are server text: a connection string in them keeps no password anywhere,
// also not in the report folder; an oddly nested envelope is no publication.
import { describe, expect, it } from 'vitest'
import { emulator, expectNoSecretLeak, inputsFor, run } from '../../support/e2e.ts'
import { filesUnder, runnerTemp } from './report-folder.ts'

const PW = ['pub-PW-1q', 'pub PW 2q', 'pub-PW-3q', 'pub-PW-4q']

describe('publications that quote connection strings', () => {
  it('in the path and the table name: no password in outputs, summary, log or report folder', async () => {
    const e = await emulator({
      scenario: {
        durationMs: 1000,
        publications: [
          {
            path: [`jdbc:postgresql://etl:${PW[0]}@db/x`, `Pwd="${PW[1]}"`],
            tableName: `sales;trustStorePassword=${PW[2]}`,
            targetType: 'postgres',
            action: `createAndLoad {"password":"${PW[3]}"}`
          }
        ]
      }
    })
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.result!).publications).toHaveLength(1)
    expectNoSecretLeak(result, PW)
    const files = result.outputs['report-dir'] ? filesUnder(result.outputs['report-dir']) : {}
    for (const [name, text] of Object.entries(files)) for (const p of PW) expect(text, name).not.toContain(p)
  })
})
