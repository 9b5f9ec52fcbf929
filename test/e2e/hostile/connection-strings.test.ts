// Promise: no connection string's password reaches anything the action writes, whichever answer carries it: an
// output's name of a flow, a plan's task name, a stage's error, the outputs of every job group of a run.
import { describe, expect, it } from 'vitest'
import { emulator, expectNoSecretLeak, inputsFor, run } from '../../support/e2e.ts'
import { expectPromisesKept } from './promises.ts'

const PW = ['cs-PASS-a1', 'cs-PASS-b2', 'cs-PASS-c3', 'cs-PASS-d4']
const [A, B, C, D] = PW as [string, string, string, string]
const outputs = {
  files: [{ uri: `abfss://u:${D}@lake.dfs.core.windows.net/out/`, fileType: 'DIRECTORY', isPrimaryOutput: true }],
  tables: [
    {
      vendor: 'snowflake',
      databaseConnectString: `jdbc:snowflake://acct.snowflakecomputing.com/?user=etl&password=${D}`,
      relationalPath: ['DB', 'PUBLIC'],
      table: 'SALES',
      action: 'append',
      query: [`-- password=${D}`]
    }
  ]
}

describe('connection strings in every answer of a flow and a plan', () => {
  it('a flow whose output names and stage errors quote connection strings with passwords', async () => {
    const flows = {
      7: {
        outputs: [
          { recipeId: 71, name: `Sales jdbc:postgresql://etl:${A}@db/x`, scenario: { durationMs: 900, outputs } },
          {
            recipeId: 72,
            name: `Returns;password=${B}`,
            scenario: {
              durationMs: 900,
              finalStatus: 'Failed' as const,
              stages: [{ jobType: 'wrangle', errorMessage: `cannot reach mysql://root:${C}@10.0.0.1/db` }]
            }
          }
        ]
      }
    }
    const e = await emulator({ flows })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'flow-id': '7' }))

    expect(result.code).toBe(1)
    expect(result.summary).toContain('Sales jdbc:postgresql://db/x')
    expect(JSON.parse(result.outputs.written!)).toEqual({
      files: [{ uri: 'abfss://lake.dfs.core.windows.net/out/', kind: 'directory', primary: true }],
      tables: [{ name: 'DB.PUBLIC.SALES', vendor: 'snowflake', action: 'append' }]
    })
    expectNoSecretLeak(result, PW)
    expectPromisesKept(e, result, { ownJobGroups: 2, triggers: 0 })
  })

  it('a plan whose task name quotes a connection string with a password', async () => {
    const plans = {
      5: { tasks: [{ name: `Load from postgres://etl:${A}@db/x`, outputs: [{ recipeId: 71, name: 'Load' }] }] }
    }
    const e = await emulator({ plans, scenario: { durationMs: 900, finalStatus: 'Failed', outputs } })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'plan-id': '5' }))

    expect(result.code).toBe(1)
    expect(result.stdout).toContain("task 'Load from postgres://db/x'")
    expectNoSecretLeak(result, PW)
  })
})
