import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { open, unlink, stat, readFile, rename, link, mkdir, writeFile, rm, readdir } from 'node:fs/promises';
import path from 'node:path';
import { a as ajvExports } from './ajv.js';
import { v as validateSeriesName, U as UsageError, i as isSeriesName, d as describeBadValue } from './mod.js';
import { C as CALIBRATION_SCHEMA, v as validateCalibration, R as RESULT_SCHEMA } from './calibration-codec.js';
import { hostname } from 'node:os';
import { setTimeout } from 'node:timers/promises';

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

// The local store (`--store DIR`, default `.joulegate/`): the data branch's layout in a folder, so
// a folder can be copied onto the branch and back. Writers take a per-file lock (file-lock.ts);
// a line is appended, flushed to the disk and, if that fails (a full disk), cut off again, so a
// failed write never leaves half a line; the latest calibration is replaced by rename, so a reader
// never sees half a file.
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
class FolderStore {
    dir;
    description;
    log;
    constructor(dir, options = {}) {
        this.dir = dir;
        this.description = `folder ${dir}`;
        this.log = options.log ?? ((line) => process.stderr.write(`joulegate: ${line}\n`));
    }
    lock(lockPath, fn) {
        return withFileLock(lockPath, fn, { onNote: (note) => this.log(note) });
    }
    /**
     * Whether a record could be written now: the history folder can be created and written, and its
     * lock taken (a stale one is broken). Called before a training run that will be recorded, so
     * an unwritable store is said before the run, not after it.
     */
    async checkWritable(series) {
        const file = this.file(historyPath(series));
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
    file(relative) {
        return path.join(this.dir, ...relative.split('/'));
    }
    async appendRecord(series, record) {
        const file = this.file(historyPath(series));
        const line = serializeLine(record);
        await mkdir(path.dirname(file), { recursive: true });
        await this.lock(`${file}.lock`, () => appendDurably(file, line));
    }
    async readHistory(series) {
        const relative = historyPath(series);
        const text = await readText(this.file(relative));
        return text === null ? [] : parseHistory(text, path.join(this.dir, relative));
    }
    async readCalibration(fingerprint) {
        const relative = calibrationPath(fingerprint);
        const text = await readText(this.file(relative));
        return text === null ? null : parseCalibration(text, path.join(this.dir, relative));
    }
    async readCalibrationLog(fingerprint) {
        const relative = calibrationLogPath(fingerprint);
        const text = await readText(this.file(relative));
        return text === null ? [] : parseCalibrationLog(text, path.join(this.dir, relative));
    }
    async writeCalibration(fingerprint, cal) {
        const latestFile = this.file(calibrationPath(fingerprint));
        const logFile = this.file(calibrationLogPath(fingerprint));
        const line = serializeLine(cal);
        await mkdir(path.dirname(latestFile), { recursive: true });
        await this.lock(`${latestFile}.lock`, async () => {
            await appendDurably(logFile, line);
            const current = await this.readCalibration(fingerprint);
            const latest = chooseLatestCalibration(current, cal);
            if (latest !== current) {
                const tmp = `${latestFile}.${process.pid}.tmp`;
                await writeFile(tmp, serializeCalibration(latest), 'utf8');
                await rename(tmp, latestFile);
            }
        });
    }
    async listSeries() {
        let names;
        try {
            names = await readdir(path.join(this.dir, HISTORY_DIR));
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return [];
            throw err;
        }
        return names
            .map((n) => seriesOfPath(n))
            .filter((s) => s !== null)
            .sort();
    }
    async listCalibrations() {
        let names;
        try {
            names = await readdir(path.join(this.dir, CALIBRATION_DIR));
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return [];
            throw err;
        }
        return names
            .map((n) => /^([^/]+)\.jsonl$/.exec(n)?.[1] ?? null)
            .filter((s) => s !== null)
            .sort();
    }
    async close() { }
}

export { CALIBRATION_DIR as C, DATA_BRANCH_README as D, FolderStore as F, HISTORY_DIR as H, appendLine as a, parseCalibration as b, calibrationPath as c, calibrationLogPath as d, parseCalibrationLog as e, chooseLatestCalibration as f, serializeCalibration as g, historyPath as h, seriesOfPath as i, describeSkippedLines as j, parseHistory as p, serializeLine as s };
