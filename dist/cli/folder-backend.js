import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { open, unlink, stat, readFile, rename, link, readdir, mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { hostname } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { a as ajvExports } from './ajv.js';
import { v as validateSeriesName, U as UsageError, i as isSeriesName, d as describeBadValue } from './mod.js';
import { C as CALIBRATION_SCHEMA, v as validateCalibration, R as RESULT_SCHEMA } from './calibration-codec.js';

// A lock file for the folder store: records can be far larger than one atomic write (progress
// lists), so concurrent local writers (two terminals, a parallel test run) take turns instead of
// relying on O_APPEND. Creation with O_EXCL is atomic on local file systems. The lock names its
// owner (pid, host, time) so that one left by a killed writer is recognised and broken at once
// instead of costing the next run its record.
const isCode = (err, code) => err?.code === code;
function parseOwner(text) {
    try {
        const o = JSON.parse(text);
        if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.createdAt === 'string')
            return o;
    }
    catch {
        // an older joulegate wrote "PID TIME"; a torn write leaves nothing readable
    }
    const m = /^(\d+) (\S+)/.exec(text);
    return m ? { pid: Number(m[1]), host: '', createdAt: m[2] } : null;
}
function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return isCode(err, 'EPERM'); // alive, owned by another user
    }
}
/** Why the lock holding `text` is stale, or null while its owner may still be writing. */
function staleReason(text, mtimeMs, staleMs) {
    const owner = parseOwner(text);
    if (owner?.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid))
        return `its owner, process ${owner.pid} on this host, is no longer running`;
    // the time it names, else (an older, empty or torn lock file) the time it was last written
    const taken = owner ? Date.parse(owner.createdAt) : NaN;
    const age = Date.now() - (Number.isFinite(taken) ? taken : mtimeMs);
    if (age <= staleMs)
        return null;
    const by = owner ? ` by process ${owner.pid}${owner.host ? ` on ${owner.host}` : ''}` : '';
    return `it was taken ${Math.round(age / 1000)} s ago${by}, longer than any write holds it`;
}
/**
 * Breaks a stale lock: it is moved aside first, so of two waiters only one breaks it, and a lock
 * taken afresh in between is put back rather than removed.
 */
async function breakIfStale(lockPath, staleMs, onNote) {
    let text;
    let mtimeMs;
    try {
        mtimeMs = (await stat(lockPath)).mtimeMs;
        text = await readFile(lockPath, 'utf8');
    }
    catch (err) {
        if (isCode(err, 'ENOENT'))
            return;
        throw err;
    }
    // a lock file created a moment ago may not hold its owner yet: then it goes by its age
    const reason = staleReason(text, mtimeMs, staleMs);
    if (reason === null)
        return;
    const aside = `${lockPath}.${process.pid}.${Date.now()}.stale`;
    try {
        await rename(lockPath, aside);
    }
    catch (err) {
        if (isCode(err, 'ENOENT'))
            return;
        throw err;
    }
    if ((await readFile(aside, 'utf8')) !== text) {
        await link(aside, lockPath).catch(() => undefined);
    }
    else {
        onNote(`broke the stale lock ${lockPath}: ${reason}`);
    }
    await unlink(aside).catch(() => undefined);
}
async function withFileLock(lockPath, fn, options = {}) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const staleMs = options.staleMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    let waitMs = 5;
    for (;;) {
        try {
            const handle = await open(lockPath, 'wx');
            try {
                const owner = {
                    pid: process.pid,
                    host: hostname(),
                    createdAt: new Date().toISOString()
                };
                await handle.writeFile(`${JSON.stringify(owner)}\n`);
            }
            finally {
                await handle.close();
            }
            break;
        }
        catch (err) {
            if (!isCode(err, 'EEXIST'))
                throw err;
            if (Date.now() > deadline) {
                throw new Error(`could not lock ${lockPath} within ${timeoutMs} ms: another joulegate is writing (delete the file if none is running)`, { cause: err });
            }
            await breakIfStale(lockPath, staleMs, options.onNote ?? (() => undefined));
            await setTimeout(waitMs * (0.5 + Math.random()));
            waitMs = Math.min(waitMs * 2, 200);
        }
    }
    try {
        return await fn();
    }
    finally {
        await unlink(lockPath).catch(() => undefined);
    }
}

// The history layout shared by every store, and the JSON Lines codec for it. History is the
// evidence a verdict rests on, yet one torn line (a full disk, a killed writer, a hand edit) must
// not stop every later check: a line that cannot be read is skipped and reported with its file,
// line number and an excerpt, so the report says which evidence was left out.
/**
 * Layout of a store (folder or data branch), relative to its root:
 * - `history/NAME.jsonl`: one HistoryRecord per line, append-only (contract).
 * - `calibration/FINGERPRINT.json`: the newest calibration of that hardware (contract).
 * - `calibration/FINGERPRINT.jsonl`: every calibration ever written for it, append-only, so a
 *   newer one never erases the evidence of drift.
 */
const HISTORY_DIR = 'history';
const CALIBRATION_DIR = 'calibration';
/** The data branch's README.md, written with the branch's first commit. */
const DATA_BRANCH_README = `# joulegate data

This branch is written by joulegate, the energy regression gate, and holds its measurements.

- \`history/NAME.jsonl\`: one result per line (\`joulegate.result/v1\`) for series NAME, append-only.
- \`calibration/FINGERPRINT.json\`: the newest calibration of one hardware configuration.
- \`calibration/FINGERPRINT.jsonl\`: every calibration of it, append-only.

Do not rewrite this branch: verdicts compare new runs against these records.
`;
/** A history or calibration file that cannot be read as written; the CLI exits 2 on it. */
class CorruptHistoryError extends UsageError {
    file;
    line;
    detail;
    constructor(file, line, detail) {
        super(`${file} line ${line}: ${detail}`);
        this.file = file;
        this.line = line;
        this.detail = detail;
        this.name = 'CorruptHistoryError';
    }
}
// Fingerprints become file names on every platform and in git trees: a safe alphabet.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
function validateFingerprint(fingerprint) {
    if (!NAME_PATTERN.test(fingerprint) || fingerprint.endsWith('.lock')) {
        throw new UsageError(describeBadValue('fingerprint', fingerprint, 'letters, digits, ".", "_" or "-" (at most 100)'));
    }
    return fingerprint;
}
const historyPath = (series) => `${HISTORY_DIR}/${validateSeriesName(series)}.jsonl`;
const calibrationPath = (fingerprint) => `${CALIBRATION_DIR}/${validateFingerprint(fingerprint)}.json`;
const calibrationLogPath = (fingerprint) => `${CALIBRATION_DIR}/${validateFingerprint(fingerprint)}.jsonl`;
/** The series name of a path inside the history folder, or null for anything else. */
function seriesOfPath(fileName) {
    const m = /^(?:history\/)?([^/]+)\.jsonl$/.exec(fileName);
    return m && isSeriesName(m[1]) ? m[1] : null;
}
// Only what readers rely on is checked; more fields are welcome (forward compatible).
const RECORD_SCHEMA = {
    type: 'object',
    required: ['schema', 'series', 'commit', 'recordedAt', 'measurement'],
    properties: {
        schema: { const: RESULT_SCHEMA },
        series: { type: 'string' },
        commit: { type: ['string', 'null'] },
        recordedAt: { type: 'string' },
        normalization: { type: ['object', 'null'] },
        measurement: {
            type: 'object',
            required: ['energyJ', 'durationS', 'components', 'exitCode'],
            properties: {
                energyJ: { type: 'number' },
                durationS: { type: 'number' },
                exitCode: { type: ['integer', 'null'] },
                components: { type: 'array' },
                metrics: { type: 'object' }
            }
        }
    }
};
// Compiled on first use: nothing runs at import time.
let validators = null;
function getValidators() {
    if (!validators) {
        const ajv = new ajvExports.Ajv({ allErrors: false, strict: false });
        validators = { record: ajv.compile(RECORD_SCHEMA) };
    }
    return validators;
}
/** The calibration codec every reader shares, its error turned into this file's and line's. */
function decodeCalibration(value, file, line) {
    try {
        return validateCalibration(value, 'calibration');
    }
    catch (err) {
        if (!(err instanceof UsageError))
            throw err;
        throw new CorruptHistoryError(file, line, `not a valid ${CALIBRATION_SCHEMA} file: ${err.message}`);
    }
}
function describeSchemaError(errors, what) {
    const e = errors?.[0];
    if (!e)
        return `not a valid ${what}`;
    const where = e.instancePath === '' ? 'the object' : e.instancePath;
    const extra = e.keyword === 'const' ? ` (${JSON.stringify(e.params.allowedValue)})` : '';
    return `not a valid ${what}: ${where} ${e.message ?? 'is invalid'}${extra}`;
}
const excerpt = (text) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
function parseJsonLine(text, file, line) {
    try {
        return JSON.parse(text);
    }
    catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        throw new CorruptHistoryError(file, line, `not valid JSON (${detail}): ${excerpt(text)}`);
    }
}
/**
 * Reads a JSON Lines file. Blank lines are skipped (they carry no data); a line that is not a valid
 * document is skipped too and listed in the result's `skipped` (not enumerable, so the records
 * compare and serialise as a plain list); `file` is only used to name the file.
 */
function parseJsonLines(text, file, decode) {
    const out = [];
    const skipped = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const raw = lines[i].replace(/\r$/, '');
        if (raw.trim() === '')
            continue;
        try {
            const value = parseJsonLine(raw, file, i + 1);
            try {
                out.push(decode(value, i + 1));
            }
            catch (err) {
                if (!(err instanceof CorruptHistoryError))
                    throw err;
                throw new CorruptHistoryError(file, i + 1, `${err.detail}: ${excerpt(raw)}`);
            }
        }
        catch (err) {
            if (!(err instanceof CorruptHistoryError))
                throw err;
            skipped.push({ file, line: i + 1, detail: err.detail });
        }
    }
    return Object.defineProperty(out, 'skipped', { value: skipped, enumerable: false });
}
/** The lines a store's read left out, one sentence each, for the report's notes. */
function describeSkippedLines(records) {
    const skipped = records.skipped ?? [];
    return skipped.map((s) => `${s.file} line ${s.line} cannot be read and was skipped (${s.detail}); the other records were used`);
}
function parseHistory(text, file) {
    const validate = getValidators().record;
    return parseJsonLines(text, file, (value, line) => {
        if (!validate(value))
            throw new CorruptHistoryError(file, line, describeSchemaError(validate.errors, `${RESULT_SCHEMA} record`));
        return value;
    });
}
function parseCalibrationLog(text, file) {
    return parseJsonLines(text, file, (value, line) => decodeCalibration(value, file, line));
}
/** One calibration file (pretty-printed JSON); errors name the file and line 1. */
function parseCalibration(text, file) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (err) {
        throw new CorruptHistoryError(file, 1, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    return decodeCalibration(value, file, 1);
}
/** One line of JSON Lines, newline included. JSON.stringify never emits a raw newline. */
function serializeLine(value) {
    if (value.schema === CALIBRATION_SCHEMA) {
        validateCalibration(value, 'calibration'); // throws UsageError naming the field
        return `${JSON.stringify(value)}\n`;
    }
    const validate = getValidators().record;
    if (!validate(value)) {
        throw new UsageError(describeSchemaError(validate.errors, String(value.schema ?? 'document')));
    }
    return `${JSON.stringify(value)}\n`;
}
/**
 * The text of a JSON Lines file after appending `line`. A file that does not end with a newline
 * (a crashed writer, a hand edit) gets one first, so the new line stays intact and the reader
 * still reports the damaged line instead of a merged one.
 */
function appendLine(existing, line) {
    if (existing === '' || existing.endsWith('\n'))
        return existing + line;
    return `${existing}\n${line}`;
}
const serializeCalibration = (cal) => {
    serializeLine(cal); // validates
    return `${JSON.stringify(cal, null, 2)}\n`;
};
/**
 * Which calibration `calibration/FINGERPRINT.json` should hold: the one created last, so that two
 * writers racing (or a late upload of an old calibration) converge on the same file.
 */
function chooseLatestCalibration(current, incoming) {
    if (!current)
        return incoming;
    const a = Date.parse(current.createdAt);
    const b = Date.parse(incoming.createdAt);
    if (Number.isNaN(a))
        return incoming;
    if (Number.isNaN(b))
        return current;
    return b >= a ? incoming : current;
}

// Where history and calibrations live: one store over two backends, a local folder (CLI,
// `--store DIR`) and the `joulegate-data` branch of the workspace's origin (the action). The store
// owns the layout and the codecs of core/history/history.ts; a backend only reads files, lists a
// folder and applies one change under its own concurrency rule (a file lock, a push without
// force). Nothing is rewritten or removed: a record is appended, a calibration is added to its log
// and becomes the latest.
const calibrationOfLog = (name) => /^([^/]+)\.jsonl$/.exec(name)?.[1] ?? null;
class Store {
    options;
    description;
    backend;
    constructor(backend, options = {}) {
        this.options = options;
        this.backend = options.readOnly ? readOnlyBackend(backend, options.readOnly) : backend;
        this.description = backend.description;
    }
    async appendRecord(series, record) {
        const file = historyPath(series);
        const line = serializeLine(record);
        const at = record.commit ? ` at ${record.commit.slice(0, 7)}` : '';
        await this.write(file, `joulegate: record ${series}${at} [skip ci]`, async () => ({
            append: { [file]: line },
            replace: {}
        }));
    }
    async readHistory(series) {
        const file = historyPath(series);
        const text = await this.backend.read(file);
        return text === null ? [] : parseHistory(text, this.backend.locate(file));
    }
    async checkWritable(series) {
        await this.backend.checkWritable?.(historyPath(series));
    }
    async readCalibration(fingerprint) {
        return this.readLatest(this.backend, fingerprint);
    }
    async readCalibrationLog(fingerprint) {
        const file = calibrationLogPath(fingerprint);
        const text = await this.backend.read(file);
        return text === null ? [] : parseCalibrationLog(text, this.backend.locate(file));
    }
    async writeCalibration(fingerprint, cal) {
        const latestFile = calibrationPath(fingerprint);
        const line = serializeLine(cal);
        await this.write(latestFile, `joulegate: calibration ${fingerprint} [skip ci]`, async (files) => {
            const current = await this.readLatest(files, fingerprint);
            const latest = chooseLatestCalibration(current, cal);
            return {
                append: { [calibrationLogPath(fingerprint)]: line },
                replace: latest === current ? {} : { [latestFile]: serializeCalibration(latest) }
            };
        });
    }
    async listSeries() {
        return (await this.backend.list(HISTORY_DIR))
            .map((n) => seriesOfPath(n))
            .filter((s) => s !== null)
            .sort();
    }
    async listCalibrations() {
        return (await this.backend.list(CALIBRATION_DIR))
            .map(calibrationOfLog)
            .filter((s) => s !== null)
            .sort();
    }
    close() {
        return this.backend.close();
    }
    async readLatest(files, fingerprint) {
        const file = calibrationPath(fingerprint);
        const text = await files.read(file);
        return text === null ? null : parseCalibration(text, this.backend.locate(file));
    }
    write(scope, message, compute) {
        return this.backend.update(scope, message, async (files) => {
            const changes = await compute(files);
            const derived = await this.companionFor(files, changes);
            return { append: changes.append, replace: { ...derived, ...changes.replace } };
        });
    }
    /** The companion files for `changes` on top of `files`; {} (and a note) when they fail. */
    async companionFor(files, changes) {
        const make = this.options.companionFiles;
        if (!make)
            return {};
        const touched = new Set([...Object.keys(changes.append), ...Object.keys(changes.replace)]);
        const after = {
            read: async (file) => {
                if (file in changes.replace)
                    return changes.replace[file];
                const text = await files.read(file);
                if (!(file in changes.append))
                    return text;
                return appendLine(text ?? '', changes.append[file]);
            },
            list: async (dir) => {
                const names = new Set(await files.list(dir));
                for (const file of touched) {
                    const rest = file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : null;
                    if (rest && !rest.includes('/'))
                        names.add(rest);
                }
                return [...names].sort();
            }
        };
        try {
            const extra = await make(after);
            return Object.fromEntries(Object.entries(extra).filter(([file]) => !touched.has(file)));
        }
        catch (err) {
            this.options.onNote?.(`the dashboard was not refreshed on ${this.description} (${err.message}); the data was written without it`);
            return {};
        }
    }
}
/**
 * Pull request runs get a backend that cannot write, whatever a job asks of it: the refusal is in
 * the one place every write goes through.
 */
function readOnlyBackend(backend, why) {
    const refuse = async () => {
        throw new Error(`${backend.description}: ${why}`);
    };
    return {
        description: backend.description,
        locate: (file) => backend.locate(file),
        read: (file) => backend.read(file),
        list: (dir) => backend.list(dir),
        update: refuse,
        checkWritable: refuse,
        close: () => backend.close()
    };
}

// The local store (`--store DIR`, default `.joulegate/`): the data branch's layout in a folder, so
// a folder can be copied onto the branch and back. Writers take a per-file lock (file-lock.ts);
// a line is appended, flushed to the disk and, if that fails (a full disk), cut off again, so a
// failed write never leaves half a line; a whole file (the latest calibration) is replaced by
// rename, so a reader never sees half a file.
async function readText(file) {
    try {
        return await readFile(file, 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return null;
        throw err;
    }
}
/** The text to append so that `line` starts on a fresh line, reading only the file's last byte. */
async function linePrefixFor(file) {
    let handle;
    try {
        handle = await open(file, 'r');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return '';
        throw err;
    }
    try {
        const { size } = await handle.stat();
        if (size === 0)
            return '';
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        // A damaged last line (crashed writer, hand edit) must not swallow the new line.
        return last[0] === 0x0a ? '' : '\n';
    }
    finally {
        await handle.close();
    }
}
/**
 * Appends `line` to `file` so that it starts on a fresh line and reaches the disk; on any failure
 * the file is cut back to its size before, so the history stays whole.
 */
async function appendDurably(file, line) {
    const prefix = await linePrefixFor(file);
    const handle = await open(file, 'a');
    try {
        const { size } = await handle.stat();
        try {
            await handle.appendFile(prefix + line, 'utf8');
            await handle.sync();
        }
        catch (err) {
            await handle.truncate(size).catch(() => undefined);
            throw new Error(`could not write ${file}: ${err.message}; nothing was added`, {
                cause: err
            });
        }
    }
    finally {
        await handle.close();
    }
}
// the lock, temporary and probe files this backend leaves beside the data while it writes
const OWN_FILE = /\.(lock|\d+\.tmp|\d+\.probe)$/;
class FolderBackend {
    dir;
    log;
    description;
    constructor(dir, log) {
        this.dir = dir;
        this.log = log;
        this.description = `folder ${dir}`;
    }
    locate(file) {
        return path.join(this.dir, ...file.split('/'));
    }
    read(file) {
        return readText(this.locate(file));
    }
    /** the data files in `dir`: the backend's own locks and temporary files are not data */
    async list(dir) {
        try {
            return (await readdir(this.locate(dir))).filter((n) => !OWN_FILE.test(n));
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return [];
            throw err;
        }
    }
    lock(lockPath, fn) {
        return withFileLock(lockPath, fn, { onNote: (note) => this.log(note) });
    }
    /**
     * Whether the file could be written now: its folder can be created and written, and its lock
     * taken (a stale one is broken). Called before a training run that will be recorded, so an
     * unwritable store is said before the run, not after it.
     */
    async checkWritable(relative) {
        const file = this.locate(relative);
        try {
            await mkdir(path.dirname(file), { recursive: true });
            await this.lock(`${file}.lock`, async () => {
                const probe = `${file}.${process.pid}.probe`;
                await writeFile(probe, '');
                await rm(probe, { force: true });
            });
        }
        catch (err) {
            throw new Error(`${this.description} is not writable (${err.message}); a record could not be kept`, { cause: err });
        }
    }
    /** Under the scope file's lock: appends first (a log line), then replacements (the latest). */
    async update(scope, _message, compute) {
        const lockFile = `${this.locate(scope)}.lock`;
        await mkdir(path.dirname(lockFile), { recursive: true });
        await this.lock(lockFile, async () => {
            const changes = await compute(this);
            for (const [relative, line] of Object.entries(changes.append)) {
                const file = this.locate(relative);
                await mkdir(path.dirname(file), { recursive: true });
                await appendDurably(file, line);
            }
            for (const [relative, text] of Object.entries(changes.replace)) {
                const file = this.locate(relative);
                await mkdir(path.dirname(file), { recursive: true });
                const tmp = `${file}.${process.pid}.tmp`;
                await writeFile(tmp, text, 'utf8');
                await rename(tmp, file);
            }
        });
    }
    async close() { }
}
/** The local store in `dir` (created on the first write). */
function openFolderStore(dir, options = {}) {
    const log = options.log ?? ((line) => process.stderr.write(`joulegate: ${line}\n`));
    return new Store(new FolderBackend(dir, log), options);
}

export { DATA_BRANCH_README as D, Store as S, appendLine as a, describeSkippedLines as d, openFolderStore as o };
