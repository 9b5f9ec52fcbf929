// Lines of a log as they are unpacked: decoded across chunk ends, cleaned before they are kept, long ones cut
// without leaving half a secret; the last lines and the telling ones.
import { describe, expect, it } from 'vitest'
import { LineSplitter, LogTail, MAX_LINE_CHARS, MAX_TELLING } from '../../src/results/log-lines.ts'

const SECRET = 'tok-SECRET-1234567890'
const clean = (line: string): string => line.split(SECRET).join('***')

function split(chunks: (string | Uint8Array)[]): string[] {
  const lines: string[] = []
  const splitter = new LineSplitter(clean, (line) => lines.push(line))
  for (const chunk of chunks) splitter.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
  splitter.end()
  return lines
}

describe('LineSplitter', () => {
  it('splits on line ends across chunks, drops \\r, keeps a last line without an end', () => {
    expect(split(['one\r\ntw', 'o\n\nthr', 'ee'])).toEqual(['one', 'two', '', 'three'])
  })

  it('decodes a character split across chunks', () => {
    const bytes = Buffer.from('é€\n', 'utf8')
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é€'])
  })

  it('cleans a secret split across chunks', () => {
    expect(split([`token=${SECRET.slice(0, 5)}`, `${SECRET.slice(5)} end\n`])).toEqual(['token=*** end'])
  })

  it('cuts a long line, and a secret across the cut is removed whole', () => {
    const before = 'x'.repeat(MAX_LINE_CHARS - 5)
    const lines = split([before, SECRET, 'y'.repeat(100_000), '\nnext\n'])
    expect(lines).toHaveLength(2)
    expect(lines[0]!.endsWith('x***yy … (line cut)')).toBe(true)
    expect(lines[0]).toHaveLength(MAX_LINE_CHARS + ' … (line cut)'.length)
    expect(lines[0]).not.toContain(SECRET.slice(0, 5))
    expect(lines[1]).toBe('next')
  })

  it('holds at most one bounded line in memory for a line without end', () => {
    const lines: string[] = []
    const splitter = new LineSplitter(clean, (line) => lines.push(line))
    for (let i = 0; i < 1000; i++) splitter.write(new Uint8Array(64 * 1024).fill(65))
    splitter.end()
    expect(lines).toHaveLength(1)
    expect(lines[0]!.length).toBeLessThan(MAX_LINE_CHARS + 20)
  })
})

describe('LogTail', () => {
  it('keeps the last lines and counts them all', () => {
    const tail = new LogTail(3)
    for (let i = 1; i <= 10; i++) tail.add(`line ${i}`)
    expect(tail.count).toBe(10)
    expect(tail.lines).toEqual(['line 8', 'line 9', 'line 10'])
    expect(tail.telling).toEqual(['line 8', 'line 9', 'line 10'])
  })

  it('keeps the last telling lines: errors, exceptions, causes', () => {
    const tail = new LogTail(2)
    const telling = [
      '2026-12-01 ERROR [main] JobRunner - Job failed',
      'java.lang.RuntimeException: Photon job exited with code 1',
      'Caused by: java.io.IOException: disk full',
      'java.lang.OutOfMemoryError: Java heap space'
    ]
    for (const line of [
      'INFO start',
      telling[0]!,
      'INFO x',
      telling[1]!,
      telling[2]!,
      'INFO ended Failed',
      telling[3]!,
      'INFO bye'
    ]) {
      tail.add(line)
    }
    expect(tail.telling).toEqual(telling)
    const many = new LogTail(2)
    for (let i = 0; i < 20; i++) many.add(`ERROR ${i}`)
    expect(many.telling).toHaveLength(MAX_TELLING)
    expect(many.telling.at(-1)).toBe('ERROR 19')
  })
})
