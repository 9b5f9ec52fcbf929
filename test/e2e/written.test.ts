// What a job wrote, as the built action reports it from GET /v4/jobGroups/{id}/outputs in the AAC spec's shape:
// files by uri (a DIRECTORY marked), tables by a readable name with vendor and action, and never a connection
// string, a query, a password or a field the action does not know: not in an output, the summary, the log or the
// state, whichever field a hostile server puts them in.
import { describe, expect, it } from 'vitest'
import type { OutputLists } from '../emulator/index.ts'
import { emulator, expectNoSecretLeak, inputsFor, run } from '../support/e2e.ts'
import { DB_PASSWORD } from '../support/fake-tokens.ts'

const PASSWORDS = ['pg-PASS-1a', 'ms-PASS-2b', 'az-SIG-3c', 'odbc-PASS-4d', 'q-PASS-5e', 'x-PASS-6f', 'fld-PASS-7g']
const [PG, MS, SIG, ODBC, QUERY, EXTRA, FIELD] = PASSWORDS as [string, string, string, string, string, string, string]
const CONNECT = `jdbc:postgresql://etl:${PG}@db.internal:5432/analytics`

/** Connection strings with passwords in every field of the answer, known or not. */
const HOSTILE: OutputLists = {
  files: [
    { uri: `s3://etl:${PG}@bucket/out/sales.csv`, fileType: 'FILE', isPrimaryOutput: true, connection: CONNECT },
    {
      uri: `https://acct.blob.core.windows.net/out/parts/?sv=2024&sig=${SIG}`,
      fileType: 'DIRECTORY',
      isPrimaryOutput: false,
      credentials: { password: FIELD }
    }
  ],
  tables: [
    {
      vendor: `sqlserver;password=${MS}`,
      databaseConnectString: `jdbc:sqlserver://db:1433;user=etl;password=${MS}`,
      relationalPath: [`Driver={x};Pwd=${ODBC};`, 'dbo'],
      table: 'sales',
      action: `create;password=${MS}`,
      query: [`CREATE TABLE x -- ${QUERY}`],
      secret: EXTRA
    }
  ]
}

describe('the written output', () => {
  it('lists files by uri and tables by name, with vendor and action, from the default answer', async () => {
    const e = await emulator({ scenario: { durationMs: 1200 } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    const id = result.outputs['job-id']
    expect(JSON.parse(result.outputs.written!)).toEqual({
      files: [{ uri: `s3://emulator-bucket/queryResults/recipe_7/${id}/output.csv`, kind: 'file', primary: true }],
      tables: [{ name: 'analytics.public.recipe_7', vendor: 'postgres', action: 'create' }]
    })
    expect(result.summary).toContain('<li>table <code>analytics.public.recipe&#95;7</code> (postgres, create)</li>')
    expect(result.summary).not.toContain('jdbc')
    expect(result.stdout + result.summary + result.files.output + result.files.state).not.toContain(DB_PASSWORD)
  })

  it('keeps no password from any field of a hostile answer, and marks a directory', async () => {
    const e = await emulator({ scenario: { durationMs: 1200, outputs: HOSTILE } })
    const result = await run(inputsFor(e), { env: { RUNNER_DEBUG: '1' } })

    expect(result.code).toBe(0)
    const written = JSON.parse(result.outputs.written!) as { files: { uri: string; kind: string }[] }
    expect(written.files.map((f) => f.kind)).toEqual(['file', 'directory'])
    expect(written.files[0]!.uri).toBe('s3://bucket/out/sales.csv')
    expect(result.summary).toContain('<li>folder <code>')
    expectNoSecretLeak(result, PASSWORDS)
    const everything = [result.stdout, result.stderr, result.summary, result.files.output, result.files.state].join()
    expect(everything).not.toMatch(/databaseConnectString|CREATE TABLE|jdbc:|credentials/)
  })

  it('a connection string in a stage error or an error body is shown without its password', async () => {
    const message = `Could not connect to ${CONNECT}?ssl=true&password=${MS}; Server=db;Pwd=${ODBC};`
    const stages = [{ jobType: 'publish', errorObject: { message } }]
    const e = await emulator({ scenario: { durationMs: 1200, finalStatus: 'Failed', stages } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    const error = result.stdout.split('\n').find((l) => l.startsWith('::error'))!
    expect(error).toContain('Could not connect to jdbc:postgresql://db.internal:5432/analytics?ssl=true&password=***')
    expectNoSecretLeak(result, PASSWORDS)

    const refused = await emulator({
      faults: [
        {
          method: 'POST',
          path: '/v4/jobGroups',
          action: {
            kind: 'status',
            status: 400,
            body: { exception: { name: 'ValidationFailed', message: CONNECT, details: `pwd=${ODBC}` } }
          }
        }
      ]
    })
    const failed = await run(inputsFor(refused))
    expect(failed.code).toBe(1)
    expectNoSecretLeak(failed, PASSWORDS)
  })
})
