// Promise: a connection string's password is never printed, whatever its dialect: Oracle's `user/pass@host`,
// keys with a prefix (`trustStorePassword=`, `private_key_pwd=`, `client_secret=`), BigQuery's `OAuthPvtKey=`,
// a URL-encoded `password%3D…` and a JSON `"password":"…"` inside a stage's error or an output's name.
import { describe, expect, it } from 'vitest'
import { emulator, expectNoSecretLeak, inputsFor, run } from '../../support/e2e.ts'

const PW = [
  'dl-SPACE 9x',
  'dl-ORA-1x',
  'dl-TS-2x',
  'dl-SNOW-3x',
  'dl-BQ-4x',
  'dl-ENC-5x',
  'dl-JSON-6x',
  'dl-CS-7x',
  'dl-DB-8x'
]
const [SPACE, ORA, TS, SNOW, BQ, ENC, JSON_PW, CS, DB] = PW

describe('connection strings of every dialect', () => {
  it('a failed flow whose stage errors and output names quote passwords in many dialects', async () => {
    const errorMessage = [
      `jdbc:oracle:thin:scott/${ORA}@db.example:1521:orcl refused`,
      `jdbc:mysql://h/db?user=u&trustStorePassword=${TS}`,
      `jdbc:snowflake://a.snowflakecomputing.com/?user=u&private_key_pwd=${SNOW}`,
      `jdbc:bigquery://www.googleapis.com:443;ProjectId=p;OAuthType=0;OAuthPvtKey=${BQ}`,
      `url=jdbc:postgresql://h/db?user%3Du%26password%3D${ENC}`,
      `config {"password":"${JSON_PW}"}`,
      `odbc PWD="${SPACE}" rejected`
    ].join(' | ')
    const flows = {
      7: {
        outputs: [
          { recipeId: 71, name: `Sales client_secret=${CS}`, scenario: { durationMs: 900 } },
          {
            recipeId: 72,
            name: `Returns DB_PASSWORD=${DB}`,
            scenario: {
              durationMs: 900,
              finalStatus: 'Failed' as const,
              stages: [{ jobType: 'wrangle', errorMessage }]
            }
          }
        ]
      }
    }
    const e = await emulator({ flows })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'flow-id': '7' }))

    expect(result.code).toBe(1)
    expect(result.stdout + result.summary).toContain('db.example:1521:orcl')
    expect(() => JSON.parse(result.outputs.result!)).not.toThrow()
    expectNoSecretLeak(result, PW)
  })
})
