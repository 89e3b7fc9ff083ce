import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { stat, readFile } from 'node:fs/promises';
import { U as UsageError, d as describeBadValue } from './mod.js';

// Bounds on what joulegate reads from users and artifacts (pure). A budget is a few lines and a
// measurement a few hundred kB; a file far larger is a mistake (a log committed as the budget, a
// wrong artifact), and parsing it would stall the job for minutes, or, for a value quoted in an
// error, print megabytes into the log.
/** A budget file (docs/budget.md, "Input limits"): a real one is under 2 KiB. */
const MAX_BUDGET_BYTES = 64 * 1024;
/** A JSON input: a measurement, calibration or result file (a 1e6-line run's is ~1 MB). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Objects and arrays inside one another; joulegate's own files nest at most 5 deep. */
const MAX_NESTING = 64;
const kib = (bytes) => bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
/** UTF-8 length of `text` without encoding it when its UTF-16 length already decides. */
function utf8Length(text, limit) {
    if (text.length > limit)
        return text.length;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
    }
    return n;
}
/** Refuses a text over `limit` bytes before it is parsed, naming the file and the limit. */
function checkInputSize(text, limit, name, what) {
    const size = utf8Length(text, limit);
    if (size > limit)
        throw new UsageError(`${name}: ${kib(size)}, larger than a ${what} can be (at most ${kib(limit)}); expected a ${what}, not another file`);
}
/** Refuses a file of `bytes` (from stat) over `limit` before it is read. */
function checkFileSize(bytes, limit, name, what) {
    if (bytes > limit)
        throw new UsageError(`${name}: ${kib(bytes)}, larger than a ${what} can be (at most ${kib(limit)}); expected a ${what}, not another file`);
}
/** The deepest nesting of objects and arrays in a parsed value, without recursion. */
function measureNesting(value) {
    let deepest = 0;
    const stack = [[value, 0]];
    while (stack.length > 0) {
        const [v, depth] = stack.pop();
        if (v === null || typeof v !== 'object')
            continue;
        const d = depth + 1;
        if (d > deepest)
            deepest = d;
        if (d > MAX_NESTING)
            return d;
        for (const child of Object.values(v))
            stack.push([child, d]);
    }
    return deepest;
}
/** Refuses a value nested deeper than MAX_NESTING, which the recursive checks after it cannot walk. */
function checkNesting(value, name) {
    if (measureNesting(value) > MAX_NESTING)
        throw new UsageError(`${name}: objects or arrays nested more than ${MAX_NESTING} deep; expected a joulegate file (at most a few levels)`);
}

// Reads input files for the CLI; every failure names the input, the file and what was expected,
// so a user with three --measurement flags knows which one is wrong.
function describeReadError(error) {
    const code = error.code;
    if (code === 'ENOENT')
        return 'no such file';
    if (code === 'EISDIR')
        return 'is a directory';
    return code ?? String(error.message);
}
/** The file's text; `input` names the flag or argument, `expected` what it should be. */
async function readTextFile(path, input, expected) {
    try {
        return await readFile(path, 'utf8');
    }
    catch (error) {
        throw new UsageError(describeBadValue(input, path, `${expected} (${describeReadError(error)})`));
    }
}
async function readJsonFile(path, what = 'file') {
    let text;
    try {
        // a wrong file (a log, a dataset) is refused by its size before it is read into memory
        checkFileSize((await stat(path)).size, MAX_JSON_BYTES, `${what} ${path}`, `joulegate ${what}`);
        text = await readFile(path, 'utf8');
    }
    catch (error) {
        if (error instanceof UsageError)
            throw error;
        throw new UsageError(`${what} ${path}: cannot read (${describeReadError(error)})`);
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        const message = error.message;
        throw new UsageError(`${what} ${path}: not valid JSON (${message.length > 120 ? `${message.slice(0, 119)}…` : message})`);
    }
    checkNesting(value, `${what} ${path}`);
    return value;
}

export { MAX_BUDGET_BYTES as M, readTextFile as a, checkNesting as b, checkInputSize as c, readJsonFile as r };
