// The bounded ZIP reader against hostile archives made with fflate: names that leave the folder, bombs, many
// entries, sizes that lie, archives cut short or corrupt.
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { entryPath, readZip, type ZipBounds } from '../../src/results/zip-reader.ts'

const BOUNDS: ZipBounds = { maxEntries: 100, maxUnpackedBytes: 1024 * 1024 }

/** Reads an archive; returns the reading and each opened entry's bytes. */
function read(
  archive: Uint8Array,
  bounds = BOUNDS
): { reading: ReturnType<typeof readZip>; files: Record<string, string>; ended: string[] } {
  const files: Record<string, string> = {}
  const ended: string[] = []
  const reading = readZip(archive, bounds, (path) => {
    const name = path.join('/')
    files[name] = ''
    return {
      data: (chunk) => void (files[name] += Buffer.from(chunk).toString('latin1')),
      end: () => void ended.push(name)
    }
  })
  return { reading, files, ended }
}

/** An archive of `zeroBytes` zeros in one entry, deflated while generated (a few kB). */
function bomb(zeroBytes: number, name = 'bomb.log'): Uint8Array {
  const parts: Uint8Array[] = []
  const zip = new Zip((error, data) => {
    if (error) throw error
    parts.push(data)
  })
  const file = new ZipDeflate(name, { level: 9 })
  zip.add(file)
  const chunk = new Uint8Array(1 << 20)
  for (let left = zeroBytes; left > 0; left -= chunk.length)
    file.push(chunk.subarray(0, Math.min(left, chunk.length)), left <= chunk.length)
  zip.end()
  return Buffer.concat(parts)
}

describe('readZip', () => {
  it('gives every entry to its sink, in order, and ends each', () => {
    const archive = zipSync({ '4101/job.log': strToU8('a\nb\n'), '4102/job.log': strToU8('c'), 'top.txt': strToU8('') })
    const { reading, files, ended } = read(archive)
    expect(files).toEqual({ '4101/job.log': 'a\nb\n', '4102/job.log': 'c', 'top.txt': '' })
    expect(ended).toEqual(['4101/job.log', '4102/job.log', 'top.txt'])
    expect(reading).toEqual({ entries: 3, unpackedBytes: 5, skipped: [] })
  })

  it('refuses names that leave the folder and keeps the other entries', () => {
    const archive = zipSync({
      '../escape.log': strToU8('x'),
      '/etc/passwd': strToU8('x'),
      'a\\..\\..\\b.log': strToU8('x'),
      'C:/Windows/x.log': strToU8('x'),
      'ok/job.log': strToU8('fine')
    })
    const { reading, files } = read(archive)
    expect(files).toEqual({ 'ok/job.log': 'fine' })
    expect(reading.skipped.map((s) => s.reason)).toEqual([
      'a path that leaves the folder (..)',
      'an absolute path',
      'a path that leaves the folder (..)',
      'an absolute path'
    ])
    expect(reading.stopped).toBeUndefined()
  })

  it('stops a ZIP bomb at the unpacked bound, without inflating the rest', () => {
    const archive = bomb(64 * 1024 * 1024)
    expect(archive.length).toBeLessThan(100_000)
    const started = Date.now()
    const { reading, files } = read(archive, { maxEntries: 10, maxUnpackedBytes: 4 * 1024 * 1024 })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(reading.unpackedBytes).toBe(4 * 1024 * 1024)
    expect(files['bomb.log']).toHaveLength(4 * 1024 * 1024)
    expect(reading.stopped).toBe('the archive unpacks to more than 4 MiB; the rest was not read')
  })

  it('stops at the entry bound', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.log`, strToU8('x')]))
    const { reading, files } = read(zipSync(many), { maxEntries: 20, maxUnpackedBytes: 1e6 })
    expect(Object.keys(files)).toHaveLength(20)
    expect(reading.entries).toBe(20)
    expect(reading.stopped).toBe('the archive has more than 20 entries; the rest was not read')
  })

  it('counts the bytes really inflated, not the sizes the archive states', () => {
    const archive = Buffer.from(zipSync({ 'big.log': new Uint8Array(300_000) }, { level: 9 }))
    // The local header's uncompressed size (offset 22) and the central directory's (offset 24 of its entry) say 10.
    archive.writeUInt32LE(10, 22)
    const central = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    archive.writeUInt32LE(10, central + 24)
    const { reading } = read(archive, { maxEntries: 10, maxUnpackedBytes: 100_000 })
    expect(reading.unpackedBytes).toBe(100_000)
    expect(reading.stopped).toBe('the archive unpacks to more than 100000 bytes; the rest was not read')
  })

  it('keeps what came before an archive cut short, and says that it is cut', () => {
    const archive = zipSync(
      { 'a/job.log': strToU8('first\n'), 'b/job.log': new Uint8Array(50_000).fill(65) },
      { level: 0 }
    )
    const { reading, files } = read(archive.subarray(0, 20_000))
    expect(files['a/job.log']).toBe('first\n')
    expect(files['b/job.log']!.length).toBeGreaterThan(10_000)
    expect(reading.cutShort).toBe(true)
    expect(reading.stopped).toMatch(/cannot be read further/)
  })

  it('says that junk or an empty archive holds no files', () => {
    const none = 'the answer holds no files (it may not be a ZIP archive)'
    expect(read(Buffer.from('<html>not a zip</html>')).reading).toEqual({
      entries: 0,
      unpackedBytes: 0,
      skipped: [],
      stopped: none
    })
    expect(read(new Uint8Array(0)).reading.stopped).toBe(none)
    expect(read(zipSync({})).reading.stopped).toBe(none)
  })

  it('refuses a second entry of the same name (also in another case) and skips directories', () => {
    const archive = zipSync({ 'a/': new Uint8Array(0), 'a/job.log': strToU8('1'), 'A/JOB.log': strToU8('2') })
    const { reading, files } = read(archive)
    expect(files).toEqual({ 'a/job.log': '1' })
    expect(reading.skipped).toEqual([{ name: 'A/JOB.log', reason: 'a second entry of the same name' }])
  })
})

describe('entryPath', () => {
  it.each([
    ['4101/job.log', ['4101', 'job.log']],
    ['./a//b/./c.log', ['a', 'b', 'c.log']],
    ['logs\\4101\\job.log', ['logs', '4101', 'job.log']],
    ['we:ird*na?me.log', ['we_ird_na_me.log']],
    ['CON.txt', ['_CON.txt']],
    ['ünïcode.log', ['_n_code.log']]
  ])('keeps %j as %j', (name, segments) => {
    expect(entryPath(name)).toEqual({ ok: true, segments })
  })

  it.each([
    ['../x', 'a path that leaves the folder (..)'],
    ['a/../../x', 'a path that leaves the folder (..)'],
    ['/abs', 'an absolute path'],
    ['\\\\server\\share\\x', 'an absolute path'],
    ['D:x', 'an absolute path'],
    ['a\u0000b', 'a name with control characters'],
    ['a\nb', 'a name with control characters'],
    ['...', 'a name ending in a dot'],
    ['dir./x', 'a name ending in a dot'],
    ['', 'an empty name'],
    ['a/b/c/d/e/f/g/h/i', 'more than 8 folders deep'],
    ['x'.repeat(300), 'a name longer than 255 characters']
  ])('refuses %j: %s', (name, reason) => {
    expect(entryPath(name)).toEqual({ ok: false, reason })
  })
})
