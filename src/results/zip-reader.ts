/**
 * A ZIP archive from a server, read within bounds: at most `maxEntries` files and `maxUnpackedBytes` inflated
 * bytes, whatever the archive claims; entry names that would leave a folder are refused. Reading stops at the
 * first bound reached, and says which.
 *
 * The library is fflate (no dependencies, maintained, and the emulator makes its archives with it too). yauzl was
 * the other candidate; it rejects a whole archive on the first name such as `../x`, where one hostile entry
 * should only cost that entry. fflate's streaming `Unzip` inflates a whole entry in one chunk when it is given
 * the whole archive at once, so it is fed slices of `SLICE_BYTES`: DEFLATE expands at most about 1032 times, so
 * no chunk exceeds about 2 MiB, and the bound is checked after every chunk. The sizes an entry states are never
 * trusted (only bytes really inflated count), and fflate passes names on unchecked, so they are checked here.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate'

export interface ZipBounds {
  maxEntries: number
  maxUnpackedBytes: number
}

/** Where an entry's bytes go; `end` is called once the entry is complete (not when reading stopped in it). */
export interface EntrySink {
  data(chunk: Uint8Array): void
  end(): void
}

export interface SkippedEntry {
  name: string
  reason: string
}

export interface ZipReading {
  /** Files read (directories not counted). */
  entries: number
  unpackedBytes: number
  skipped: SkippedEntry[]
  /** Why reading stopped before the end of the archive: a bound, or an archive that cannot be read. */
  stopped?: string
  /** The archive ended in the middle of an entry or before its directory (e.g. a download cut at a bound). */
  cutShort?: boolean
}

/** Compressed bytes given to the inflater at a time. */
const SLICE_BYTES = 2048
const MAX_NAME = 255
const MAX_SEGMENT = 100
const MAX_DEPTH = 8
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i

/** Reads `archive`, giving each safe file entry to the sink `open` returns for it (none: its bytes are dropped). */
export function readZip(
  archive: Uint8Array,
  bounds: ZipBounds,
  open: (path: string[]) => EntrySink | undefined
): ZipReading {
  const reading: ZipReading = { entries: 0, unpackedBytes: 0, skipped: [] }
  const seen = new Set<string>()
  const unzip = new Unzip((file) => {
    if (reading.stopped) return file.terminate()
    const path = entryPath(file.name)
    if (file.name.endsWith('/') && path.ok) return void start(file, undefined)
    if (++reading.entries > bounds.maxEntries) {
      reading.entries = bounds.maxEntries
      reading.stopped = `the archive has more than ${bounds.maxEntries} entries; the rest was not read`
      return file.terminate()
    }
    const key = path.ok ? path.segments.join('/').toLowerCase() : ''
    const refusal = path.ok ? (seen.has(key) ? 'a second entry of the same name' : undefined) : path.reason
    if (refusal) reading.skipped.push({ name: printable(file.name), reason: refusal })
    else seen.add(key)
    start(file, refusal || !path.ok ? undefined : open(path.segments))
  })
  unzip.register(UnzipInflate)

  function start(file: UnzipFile, sink: EntrySink | undefined): void {
    file.ondata = (error, chunk, final) => {
      if (reading.stopped) return
      if (error) return void (reading.stopped = `entry ${printable(file.name)} cannot be read (${error.message})`)
      const room = bounds.maxUnpackedBytes - reading.unpackedBytes
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
      reading.unpackedBytes += kept.length
      if (kept.length > 0) sink?.data(kept)
      if (chunk.length > room) {
        reading.stopped = `the archive unpacks to more than ${mib(bounds.maxUnpackedBytes)}; the rest was not read`
      } else if (final) sink?.end()
    }
    file.start()
  }

  feed(unzip, archive, reading)
  if (reading.entries === 0 && reading.skipped.length === 0) {
    reading.stopped ??= 'the answer holds no files (it may not be a ZIP archive)'
  }
  return reading
}

/** Gives the archive to the inflater a slice at a time, until its end or until reading stopped. */
function feed(unzip: Unzip, archive: Uint8Array, reading: ZipReading): void {
  try {
    for (let at = 0; at < archive.length && !reading.stopped; at += SLICE_BYTES) {
      unzip.push(archive.subarray(at, at + SLICE_BYTES), at + SLICE_BYTES >= archive.length)
    }
  } catch (error) {
    // fflate's codes: 0 unexpected EOF, 13 invalid zip data (the last entry's bytes did not all come).
    reading.cutShort = [0, 13].includes((error as { code?: number }).code ?? -1)
    reading.stopped ??= `the archive cannot be read further (${(error as Error).message})`
  }
}

export type EntryPath = { ok: true; segments: string[] } | { ok: false; reason: string }

/**
 * The folders and file name an entry may be written under, relative to a folder of ours: never absolute, never
 * `..`, no control characters; other unusual characters become `_`, and names Windows reserves get a `_` in front.
 * Pure.
 */
export function entryPath(name: string): EntryPath {
  if (name.length > MAX_NAME) return { ok: false, reason: `a name longer than ${MAX_NAME} characters` }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { ok: false, reason: 'a name with control characters' }
  const slashed = name.replace(/\\/g, '/')
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return { ok: false, reason: 'an absolute path' }
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) return { ok: false, reason: 'a path that leaves the folder (..)' }
  if (segments.length === 0) return { ok: false, reason: 'an empty name' }
  if (segments.length > MAX_DEPTH) return { ok: false, reason: `more than ${MAX_DEPTH} folders deep` }
  if (segments.some((s) => s.length > MAX_SEGMENT)) return { ok: false, reason: 'a folder or file name too long' }
  if (segments.some((s) => /^\.+$/.test(s) || /[. ]$/.test(s))) return { ok: false, reason: 'a name ending in a dot' }
  const safe = segments.map((s) => s.replace(/[^A-Za-z0-9._ -]/g, '_').replace(RESERVED, '_$&'))
  return { ok: true, segments: safe }
}

/** An entry's name for a message: control characters shown as `?`, cut to 120 characters. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  const shown = name.replace(/[\u0000-\u001f\u007f]/g, '?')
  return shown.length > 120 ? `${shown.slice(0, 119)}…` : shown
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`
}
