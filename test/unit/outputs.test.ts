// The pure readers of what a job group wrote: lists enveloped or bare, outputs kept by readable names only, and
// credentials removed from what is kept.
import { describe, expect, it } from 'vitest'
import { listOf } from '../../src/api/lists.ts'
import { mergeWritten, parseOutputs } from '../../src/api/job-outputs.ts'
import { withoutCredentials } from '../../src/shared/credentials.ts'
import { redact } from '../../src/shared/secrets.ts'

describe('listOf', () => {
  it('reads a list enveloped as {data: […]} or bare, and nothing else', () => {
    expect(listOf({ data: [1, 2] })).toEqual([1, 2])
    expect(listOf([1, 2])).toEqual([1, 2])
    for (const odd of [undefined, null, 'x', 3, {}, { data: 'x' }, { data: { data: [1] } }])
      expect(listOf(odd)).toEqual([])
  })
})

describe('withoutCredentials', () => {
  it.each([
    ['jdbc:postgresql://etl:pa55@db:5432/analytics', 'jdbc:postgresql://db:5432/analytics'],
    [
      'jdbc:sqlserver://db:1433;user=etl;password=pa55;encrypt=true',
      'jdbc:sqlserver://db:1433;user=etl;password=***;encrypt=true'
    ],
    ['s3://AKIA:se:cr@et@bucket/out.csv', 's3://bucket/out.csv'],
    [
      'https://x.blob.core.windows.net/c/f.csv?sv=1&sig=abc%2F&se=2',
      'https://x.blob.core.windows.net/c/f.csv?sv=1&sig=***&se=2'
    ],
    ['Server=db;Uid=etl;Pwd="p;w";', 'Server=db;Uid=etl;Pwd=***;'],
    ['gs://bucket/password/out.csv', 'gs://bucket/password/out.csv']
  ])('%s', (text, clean) => {
    expect(withoutCredentials(text)).toBe(clean)
  })
})

describe('redact', () => {
  it('removes the credentials server text names from everything the action prints', () => {
    expect(redact('Could not reach jdbc:mysql://root:toor@db/x (user=root;password=toor)')).toBe(
      'Could not reach jdbc:mysql://db/x (user=root;password=***'
    )
    expect(redact('api-token: must be given; see https://example.com/docs')).toBe(
      'api-token: must be given; see https://example.com/docs'
    )
  })
})

describe('parseOutputs', () => {
  const PASSWORD = 'hunter2-db'
  const CONNECT = `jdbc:postgresql://etl:${PASSWORD}@db:5432/analytics`

  it('keeps files by uri and tables by a readable name, with vendor and action; never the connection string', () => {
    const written = parseOutputs({
      files: [
        { uri: 's3://b/out/sales.csv', fileType: 'FILE', isPrimaryOutput: true },
        { uri: 's3://b/out/parts/', fileType: 'DIRECTORY', isPrimaryOutput: false, secretField: PASSWORD }
      ],
      tables: [
        {
          vendor: 'postgres',
          databaseConnectString: CONNECT,
          relationalPath: ['analytics', 'public'],
          table: 'sales',
          action: 'create',
          query: [`-- ${CONNECT}`]
        }
      ]
    })
    expect(written).toEqual({
      files: [
        { uri: 's3://b/out/sales.csv', kind: 'file', primary: true },
        { uri: 's3://b/out/parts/', kind: 'directory', primary: false }
      ],
      tables: [{ name: 'analytics.public.sales', vendor: 'postgres', action: 'create' }]
    })
    expect(JSON.stringify(written)).not.toContain(PASSWORD)
  })

  it('reads enveloped lists too, and leaves out entries it cannot name', () => {
    const written = parseOutputs({
      files: { data: [{ uri: 'gs://b/x.csv' }, { path: '/guessed' }, { uri: 42 }, null, 'x'] },
      tables: { data: [{ relationalPath: { data: ['db'] }, table: 't' }, { databaseConnectString: CONNECT }] }
    })
    expect(written).toEqual({ files: [{ uri: 'gs://b/x.csv', kind: 'file' }], tables: [{ name: 'db.t' }] })
    expect(parseOutputs('<html>')).toEqual({ files: [], tables: [] })
    expect(parseOutputs(undefined)).toEqual({ files: [], tables: [] })
  })

  it('removes a password from every field it keeps, and cuts long text', () => {
    const written = parseOutputs({
      files: [{ uri: CONNECT, fileType: 'FILE', isPrimaryOutput: true }],
      tables: [
        { vendor: `x;password=${PASSWORD}`, relationalPath: [CONNECT], table: CONNECT, action: `pwd=${PASSWORD}` }
      ]
    })
    expect(JSON.stringify(written)).not.toContain(PASSWORD)
    expect(parseOutputs({ files: [{ uri: 'x'.repeat(5000) }], tables: [] }).files[0]!.uri).toHaveLength(1000)
  })
})

describe('mergeWritten', () => {
  it('joins what several job groups wrote; undefined when none says', () => {
    const a = { files: [{ uri: 'a', kind: 'file' as const }], tables: [] }
    const b = { files: [], tables: [{ name: 't' }] }
    expect(mergeWritten([a, undefined, b])).toEqual({ files: a.files, tables: b.tables })
    expect(mergeWritten([undefined])).toBeUndefined()
  })
})
