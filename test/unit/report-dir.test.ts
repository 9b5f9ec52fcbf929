// The report folder writes only new files inside itself, within its byte bound, and cleans whole files of secrets.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ReportDir } from '../../src/results/report-dir.ts'
import { registerSecret } from '../../src/shared/secrets.ts'

const temps: string[] = []
afterEach(() => temps.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function folder(maxBytes?: number): { temp: string; dir: ReportDir } {
  const temp = mkdtempSync(join(tmpdir(), 'report-dir-test-'))
  temps.push(temp)
  return { temp, dir: ReportDir.create({ RUNNER_TEMP: temp }, maxBytes) }
}

describe('ReportDir', () => {
  it('is a new folder under RUNNER_TEMP, each time', () => {
    const { temp, dir } = folder()
    const other = ReportDir.create({ RUNNER_TEMP: temp })
    expect(dir.path.startsWith(temp)).toBe(true)
    expect(readdirSync(temp).sort()).toEqual([dir.path, other.path].map((p) => p.slice(temp.length + 1)).sort())
  })

  it('refuses a path outside itself and a file that exists', () => {
    const { dir } = folder()
    expect(() => dir.open(['..', 'x.log'])).toThrow(/is not inside the report folder/)
    expect(() => dir.open(['a', '..', '..', 'x.log'])).toThrow(/is not inside the report folder/)
    dir.writeFile(['a', 'x.log'], 'one')
    expect(() => dir.open(['a', 'x.log'])).toThrow(/EEXIST/)
    expect(readFileSync(join(dir.path, 'a', 'x.log'), 'utf8')).toBe('one')
  })

  it('drops what goes beyond its bound, and says so once', () => {
    const { dir } = folder(10)
    const writer = dir.open(['x.log'])
    writer.write('12345678')
    writer.write('abc')
    writer.write('de')
    writer.close()
    writer.write('after close')
    expect(readFileSync(join(dir.path, 'x.log'), 'utf8')).toBe('12345678')
    expect(dir.problem).toBe('the report folder reached its bound of 10 bytes')
    dir.writeFile(['result.json'], '{"still":"written"}')
    expect(readFileSync(join(dir.path, 'result.json'), 'utf8')).toBe('{"still":"written"}')
  })

  it('cleans a whole file of the secrets the step knows', () => {
    registerSecret('s3cr3t-token-value')
    const { dir } = folder()
    dir.writeFile(['result.json'], '{"message":"token s3cr3t-token-value"}')
    expect(readFileSync(join(dir.path, 'result.json'), 'utf8')).toBe('{"message":"token ***"}')
  })
})
