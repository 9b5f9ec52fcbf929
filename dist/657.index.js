export const id = 657;
export const ids = [657];
export const modules = {

/***/ 6657:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readJobGroupLogs: () => (/* binding */ readJobGroupLogs)
});

// UNUSED EXPORTS: MAX_LOG_ARCHIVE_BYTES, MAX_LOG_ENTRIES, MAX_LOG_UNPACKED_BYTES

// EXTERNAL MODULE: ../node_modules/fflate/esm/index.mjs
var esm = __webpack_require__(6296);
// EXTERNAL MODULE: ./src/api/api-error.ts + 1 modules
var api_error = __webpack_require__(562);
;// CONCATENATED MODULE: ./src/results/log-lines.ts
/**
 * A log's text, line by line, as it is unpacked: bytes decoded as UTF-8 across chunk ends, every line cleaned
 * (secrets removed) before anything keeps it, a line longer than `MAX_LINE_CHARS` cut, and the last lines and the
 * most telling ones kept for the report. Pure: the cleaning function is given.
 */
/** Longest line kept; longer ones are cut with a note. */
const MAX_LINE_CHARS = 4000;
/**
 * A long line is cleaned with this much of what follows its cut, so that a secret across the cut is removed
 * whole, not left half (no token is this long).
 */
const CLEAN_MARGIN = 16_384;
/** Telling lines kept per log (the last ones: the end of a stack trace says most). */
const MAX_TELLING = 8;
/** Lines that say why a job failed. */
const TELLING = /\b(ERROR|FATAL|SEVERE)\b|(Exception|Error)\b|^\s*Caused by\b|Traceback/;
/** Cuts the text of a log into clean lines and hands each on. */
class LineSplitter {
    decoder = new TextDecoder('utf-8');
    clean;
    onLine;
    pending = '';
    /** The current line was cut: the rest of it, up to its end, is dropped. */
    dropping = false;
    constructor(clean, onLine) {
        this.clean = clean;
        this.onLine = onLine;
    }
    write(chunk) {
        this.take(this.decoder.decode(chunk, { stream: true }));
    }
    /** The last line, if the text did not end with a line break. */
    end() {
        this.take(this.decoder.decode());
        if (this.pending !== '' && !this.dropping)
            this.emit(this.pending);
        this.pending = '';
    }
    take(text) {
        let start = 0;
        for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            if (!this.dropping)
                this.emit(this.pending + text.slice(start, end));
            this.pending = '';
            this.dropping = false;
            start = end + 1;
        }
        if (this.dropping)
            return;
        this.pending += text.slice(start);
        if (this.pending.length > MAX_LINE_CHARS + CLEAN_MARGIN) {
            this.emit(this.pending);
            this.pending = '';
            this.dropping = true;
        }
    }
    emit(raw) {
        const line = this.clean(raw.replace(/\r$/, ''));
        this.onLine(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} … (line cut)` : line);
    }
}
/** The last `max` lines of a log and its last telling lines, with the number of lines seen. */
class LogTail {
    max;
    last = [];
    tellingLines = [];
    count = 0;
    constructor(max) {
        this.max = max;
    }
    add(line) {
        this.count += 1;
        this.last.push(line);
        if (this.last.length > this.max)
            this.last.shift();
        if (!TELLING.test(line))
            return;
        this.tellingLines.push(line);
        if (this.tellingLines.length > MAX_TELLING)
            this.tellingLines.shift();
    }
    get lines() {
        return [...this.last];
    }
    /** The telling lines, or the last few when none is. */
    get telling() {
        return this.tellingLines.length > 0 ? [...this.tellingLines] : this.last.slice(-5);
    }
}

;// CONCATENATED MODULE: ./src/results/zip-reader.ts
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

/** Compressed bytes given to the inflater at a time. */
const SLICE_BYTES = 2048;
const MAX_NAME = 255;
const MAX_SEGMENT = 100;
const MAX_DEPTH = 8;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
/** Reads `archive`, giving each safe file entry to the sink `open` returns for it (none: its bytes are dropped). */
function readZip(archive, bounds, open) {
    const reading = { entries: 0, unpackedBytes: 0, skipped: [] };
    const seen = new Set();
    const unzip = new esm/* Unzip */.HJ((file) => {
        if (reading.stopped)
            return file.terminate();
        const path = entryPath(file.name);
        if (file.name.endsWith('/') && path.ok)
            return void start(file, undefined);
        if (++reading.entries > bounds.maxEntries) {
            reading.entries = bounds.maxEntries;
            reading.stopped = `the archive has more than ${bounds.maxEntries} entries; the rest was not read`;
            return file.terminate();
        }
        const key = path.ok ? path.segments.join('/').toLowerCase() : '';
        const refusal = path.ok ? (seen.has(key) ? 'a second entry of the same name' : undefined) : path.reason;
        if (refusal)
            reading.skipped.push({ name: printable(file.name), reason: refusal });
        else
            seen.add(key);
        start(file, refusal || !path.ok ? undefined : open(path.segments));
    });
    unzip.register(esm/* UnzipInflate */.mM);
    function start(file, sink) {
        file.ondata = (error, chunk, final) => {
            if (reading.stopped)
                return;
            if (error)
                return void (reading.stopped = `entry ${printable(file.name)} cannot be read (${error.message})`);
            const room = bounds.maxUnpackedBytes - reading.unpackedBytes;
            const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
            reading.unpackedBytes += kept.length;
            if (kept.length > 0)
                sink?.data(kept);
            if (chunk.length > room) {
                reading.stopped = `the archive unpacks to more than ${mib(bounds.maxUnpackedBytes)}; the rest was not read`;
            }
            else if (final)
                sink?.end();
        };
        file.start();
    }
    feed(unzip, archive, reading);
    if (reading.entries === 0 && reading.skipped.length === 0) {
        reading.stopped ??= 'the answer holds no files (it may not be a ZIP archive)';
    }
    return reading;
}
/** Gives the archive to the inflater a slice at a time, until its end or until reading stopped. */
function feed(unzip, archive, reading) {
    try {
        for (let at = 0; at < archive.length && !reading.stopped; at += SLICE_BYTES) {
            unzip.push(archive.subarray(at, at + SLICE_BYTES), at + SLICE_BYTES >= archive.length);
        }
    }
    catch (error) {
        // fflate's codes: 0 unexpected EOF, 13 invalid zip data (the last entry's bytes did not all come).
        reading.cutShort = [0, 13].includes(error.code ?? -1);
        reading.stopped ??= `the archive cannot be read further (${error.message})`;
    }
}
/**
 * The folders and file name an entry may be written under, relative to a folder of ours: never absolute, never
 * `..`, no control characters; other unusual characters become `_`, and names Windows reserves get a `_` in front.
 * Pure.
 */
function entryPath(name) {
    if (name.length > MAX_NAME)
        return { ok: false, reason: `a name longer than ${MAX_NAME} characters` };
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(name))
        return { ok: false, reason: 'a name with control characters' };
    const slashed = name.replace(/\\/g, '/');
    if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed))
        return { ok: false, reason: 'an absolute path' };
    const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..'))
        return { ok: false, reason: 'a path that leaves the folder (..)' };
    if (segments.length === 0)
        return { ok: false, reason: 'an empty name' };
    if (segments.length > MAX_DEPTH)
        return { ok: false, reason: `more than ${MAX_DEPTH} folders deep` };
    if (segments.some((s) => s.length > MAX_SEGMENT))
        return { ok: false, reason: 'a folder or file name too long' };
    if (segments.some((s) => /^\.+$/.test(s) || /[. ]$/.test(s)))
        return { ok: false, reason: 'a name ending in a dot' };
    const safe = segments.map((s) => s.replace(/[^A-Za-z0-9._ -]/g, '_').replace(RESERVED, '_$&'));
    return { ok: true, segments: safe };
}
/** An entry's name for a message: control characters shown as `?`, cut to 120 characters. */
function printable(name) {
    // eslint-disable-next-line no-control-regex
    const shown = name.replace(/[\u0000-\u001f\u007f]/g, '?');
    return shown.length > 120 ? `${shown.slice(0, 119)}…` : shown;
}
function mib(bytes) {
    return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

;// CONCATENATED MODULE: ./src/results/job-logs.ts
/**
 * A job group's logs: `GET /v4/jobGroups/{id}/logs`, a ZIP with one folder per stage id holding its `job.log`
 * (self-managed Trifacta; other editions answer 404 or 403). The archive is read within bounds; the chosen stages'
 * last lines and telling lines are kept for the report, and, when there is a report folder, every entry is
 * unpacked there and packed again into a new archive, all of it cleaned of secrets (the server's archive itself
 * is not kept: it may hold them).
 */




/** The logs call may answer this much (the other calls: 8 MiB); a larger archive is read up to here. */
const MAX_LOG_ARCHIVE_BYTES = 16 * 1024 * 1024;
const MAX_LOG_ENTRIES = 500;
const MAX_LOG_UNPACKED_BYTES = 64 * 1024 * 1024;
/** Entries unpacked as text: logs by their names (`job.log`, `stderr`, `driver.out`); others are only counted. */
const LOG_NAME = /\.(log|txt|out|err)$|^[^.]+$/i;
/** Downloads and reads one job group's logs; never throws. */
async function readJobGroupLogs(client, request) {
    const { jobGroupId } = request;
    let download;
    try {
        download = await client.download(`/v4/jobGroups/${jobGroupId}/logs`, request.budget, {
            maxBytes: MAX_LOG_ARCHIVE_BYTES,
            subject: { jobId: jobGroupId }
        });
    }
    catch (error) {
        if (error instanceof api_error/* ApiError */.hD && (error.status === 404 || error.status === 403)) {
            return { state: 'not-available', detail: `HTTP ${error.status}`, stages: [], notes: [] };
        }
        return { state: 'failed', detail: request.clean(error.message), stages: [], notes: [] };
    }
    return unpack(download.bytes, download.truncated, request);
}
function unpack(bytes, truncated, request) {
    const logs = { state: 'read', stages: [], notes: [], archiveBytes: bytes.length };
    const bound = `${MAX_LOG_ARCHIVE_BYTES / 1024 / 1024} MiB`;
    if (truncated)
        logs.notes.push(`The logs archive is larger than ${bound}: only that much of it was read.`);
    const folder = `job-group-${request.jobGroupId}`;
    const files = new Files(request.dir, logs.notes);
    const repacked = files.archive(['logs', `${folder}.zip`]);
    const tails = new Map(request.stageIds.map((id) => [String(id), new LogTail(request.tailLines)]));
    const entries = [];
    let notLogs = 0;
    const open = (checked) => {
        // The entry before is done: what it still holds goes into its files before the next entry starts.
        for (const finish of entries.splice(0))
            finish();
        if (!LOG_NAME.test(checked.at(-1)))
            return void (notLogs += 1);
        const path = cleanPath(checked, request.clean);
        const stageId = path.length >= 2 && path.at(-1) === 'job.log' ? path.at(-2) : undefined;
        const tail = stageId === undefined ? undefined : tails.get(stageId);
        const name = path.join('/');
        const file = files.open(['logs', folder, ...path]);
        const packed = repacked?.entry(name);
        const stage = { stageId: Number(stageId), lineCount: 0, tail: [], telling: [] };
        if (tail)
            logs.stages.push({ ...stage, file: file && `logs/${folder}/${name}` });
        const out = new Batched((text) => {
            file?.write(text);
            packed?.push(Buffer.from(text, 'utf8'));
        });
        const splitter = new LineSplitter(request.clean, (line) => {
            tail?.add(line);
            out.add(`${line}\n`);
        });
        // A last line without its end, in an entry where reading stopped, is kept too.
        entries.push(() => (splitter.end(), out.flush()));
        return { data: (chunk) => splitter.write(chunk), end: () => void (splitter.end(), out.flush()) };
    };
    const reading = readZip(bytes, { maxEntries: MAX_LOG_ENTRIES, maxUnpackedBytes: MAX_LOG_UNPACKED_BYTES }, open);
    for (const finish of entries)
        finish();
    repacked?.close();
    files.closeAll();
    for (const stage of logs.stages)
        Object.assign(stage, fromTail(tails.get(String(stage.stageId))));
    logs.notes.push(...readingNotes(reading, truncated, request.clean));
    if (notLogs > 0)
        logs.notes.push(`${notLogs} entries that are no logs by their names were not unpacked.`);
    if (repacked?.written)
        logs.archive = `logs/${folder}.zip`;
    return logs;
}
/** Where reading stopped and which entries were refused, in words. Pure. */
function readingNotes(reading, truncated, clean) {
    const notes = [];
    // A cut archive ends in the middle of an entry: that was said already.
    if (reading.stopped && !(truncated && reading.cutShort))
        notes.push(`Reading stopped: ${reading.stopped}.`);
    for (const skipped of reading.skipped.slice(0, 5)) {
        notes.push(`Entry ${JSON.stringify(clean(skipped.name))} was not unpacked: ${skipped.reason}.`);
    }
    if (reading.skipped.length > 5)
        notes.push(`${reading.skipped.length - 5} more entries were not unpacked.`);
    return notes;
}
/** An entry's checked path with the secrets in its name removed (a `*` of `***` becomes `_`). Pure. */
function cleanPath(segments, clean) {
    return clean(segments.join('/'))
        .split('/')
        .map((segment) => segment.replace(/\*/g, '_'))
        .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
function fromTail(tail) {
    return { lineCount: tail.count, tail: tail.lines, telling: tail.telling };
}
/** Lines written in pieces of about 64 kB: a syscall and a deflate push per line would be slow. */
class Batched {
    parts = [];
    size = 0;
    write;
    constructor(write) {
        this.write = write;
    }
    add(text) {
        this.parts.push(text);
        this.size += text.length;
        if (this.size >= 65_536)
            this.flush();
    }
    flush() {
        if (this.size === 0)
            return;
        const text = this.parts.join('');
        this.parts = [];
        this.size = 0;
        this.write(text);
    }
}
/** The report folder's files of one archive; a failure to write is noted once, and the reading goes on. */
class Files {
    dir;
    notes;
    writers = [];
    failed = false;
    constructor(dir, notes) {
        this.dir = dir;
        this.notes = notes;
    }
    /** A new file; one that cannot be made (e.g. a name that is a folder already) is left out, and said once. */
    open(segments) {
        if (!this.dir)
            return undefined;
        try {
            const writer = this.dir.open(segments);
            this.writers.push(writer);
            return writer;
        }
        catch (error) {
            if (!this.failed)
                this.notes.push(`Not every log could be written to the report folder: ${error.message}.`);
            this.failed = true;
            return undefined;
        }
    }
    /** A new archive at `segments`, filled entry by entry. */
    archive(segments) {
        const writer = this.open(segments);
        return writer && new Repacked(writer);
    }
    closeAll() {
        for (const writer of this.writers)
            writer.close();
    }
}
/** An archive written as its entries come, each deflated as it is pushed. */
class Repacked {
    zip;
    writer;
    current;
    written = false;
    constructor(writer) {
        this.writer = writer;
        this.zip = new esm/* Zip */.qQ((error, data) => {
            if (!error)
                writer.write(data);
        });
    }
    entry(name) {
        this.current?.push(new Uint8Array(0), true);
        const file = new esm/* ZipDeflate */.D8(name, { level: 1 });
        this.zip.add(file);
        this.current = file;
        this.written = true;
        return { push: (data) => file.push(data) };
    }
    close() {
        this.current?.push(new Uint8Array(0), true);
        this.zip.end();
        this.writer.close();
    }
}


/***/ })

};
