import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
/** Bad flags, inputs, configuration or files: the CLI exits 2, the action fails the step. */
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
/**
 * Formats "NAME: got VALUE, expected WHAT" so every input error reads the same way; VALUE is a
 * short excerpt (excerptValue), so an 11 MB array is not echoed into the log.
 */
function describeBadValue(name, value, expected) {
    return `${name}: got ${excerptValue(value)}, expected ${expected}`;
}
/** The longest excerpt of a bad value an error quotes (docs/budget.md, "Input limits"). */
const MAX_EXCERPT_CHARS = 80;
/**
 * A bad value as an error quotes it: JSON, except that NaN and ±Infinity (YAML's .nan, .inf)
 * show as themselves and not as null, cut to MAX_EXCERPT_CHARS with its full length said.
 */
function excerptValue(value) {
    let shown;
    if (typeof value === 'number' && !Number.isFinite(value))
        shown = String(value);
    else {
        try {
            shown = JSON.stringify(value, (_k, v) => typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
        }
        catch {
            shown = String(value); // nested too deep for JSON.stringify, or a cycle
        }
        shown ??= String(value);
    }
    if (shown.length <= MAX_EXCERPT_CHARS)
        return shown;
    return `${shown.slice(0, MAX_EXCERPT_CHARS - 1)}… (${shown.length} characters)`;
}

// The one rule for a series name, wherever it comes from (the action's `name` input, the CLI's
// --name and --series, a result file's series) and wherever it goes (history file names on every
// platform, paths in the data branch's git tree): a name accepted as input is one the store takes.
const SERIES_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const EXPECTED = 'a series name of letters, digits, ".", "_" or "-" (at most 100, not starting with "." or "-", not ending in ".lock")';
function isSeriesName(value) {
    return SERIES_NAME.test(value) && !value.endsWith('.lock');
}
/** `value` when it is a usable series name; else a UsageError naming `input` and the value. */
function validateSeriesName(value, input = 'name') {
    if (!isSeriesName(value))
        throw new UsageError(describeBadValue(input, value, EXPECTED));
    return value;
}

// The one place where flags (CLI) and inputs (action) become a typed, validated Settings object.
// Names are the action's input names (contract); the CLI maps its flags onto the same names.
/** The local history folder when no --store or store input names one (also where `measure`
 *  keeps its default file): hidden, per repository, easy to ignore in git. */
const DEFAULT_STORE_DIR = '.joulegate';
const INPUTS = {
    mode: 'mode',
    command: 'command',
    name: 'name',
    repeat: 'repeat',
    budgetFile: 'budget-file',
    githubToken: 'github-token',
    comment: 'comment',
    dataBranch: 'data-branch',
    failOnBudget: 'fail-on-budget',
    idleSeconds: 'idle-seconds',
    carbonIntensity: 'carbon-intensity',
    pue: 'pue',
    workingDirectory: 'working-directory',
    resultFile: 'result-file',
    intervalMs: 'interval-ms',
    store: 'store',
    record: 'record',
    reportFile: 'report-file',
    out: 'out',
    trustedCode: 'trusted-code',
    commentAuthor: 'comment-author',
    calibration: 'calibration',
    referenceCalibration: 'reference-calibration',
    prometheusUrl: 'prometheus-url',
    prometheusSelector: 'prometheus-selector',
    calibrationRuns: 'calibration-runs',
    calibrationCooldownSeconds: 'calibration-cooldown-seconds',
    quick: 'quick'
};
const MODES = ['check', 'record', 'calibrate', 'report'];
const DEFAULTS = {
    mode: 'check',
    name: 'default',
    repeat: 1,
    budgetFile: '.github/joulegate.yml',
    comment: 'always',
    dataBranch: 'joulegate-data',
    failOnBudget: true,
    idleSeconds: 10,
    pue: 1.0,
    intervalMs: 100
};
/**
 * Calibration runs and pauses. A quick calibration is a smoke run (tests, a first try on a new
 * runner): one second of idle power and no pause are enough to see that every workload runs.
 */
const CALIBRATE = {
    runs: 3,
    maxRuns: 50,
    cooldownSeconds: 5,
    maxCooldownSeconds: 600,
    quick: false,
    quickCooldownSeconds: 0,
    quickIdleSeconds: 1
};
const get = (raw, name) => {
    const v = raw[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
};
function parseIntegerSetting(name, value, fallback, min, max) {
    if (value === null)
        return fallback;
    if (!/^[+]?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new UsageError(describeBadValue(name, value, `a whole number from ${min} to ${max}`));
    }
    return Number(value);
}
function parseNumberSetting(name, value, fallback, min, max) {
    if (value === null)
        return fallback;
    const n = Number(value);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ||
        !Number.isFinite(n) ||
        n < min ||
        n > max) {
        throw new UsageError(describeBadValue(name, value, `a number from ${min} to ${max}`));
    }
    return n;
}
function parseBooleanSetting(name, value, fallback) {
    if (value === null)
        return fallback;
    const v = value.toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(v))
        return true;
    if (['false', 'no', '0', 'off'].includes(v))
        return false;
    throw new UsageError(describeBadValue(name, value, 'true or false'));
}
function parseChoice(name, value, choices, fallback) {
    if (value === null)
        return fallback;
    if (!choices.includes(value)) {
        throw new UsageError(describeBadValue(name, value, `one of ${choices.join(', ')}`));
    }
    return value;
}
function parseCarbonIntensity(name, value) {
    if (value === null)
        return null;
    if (/^[A-Za-z]{2,3}$/.test(value))
        return value.toUpperCase();
    return parseNumberSetting(name, value, 0, 0, 5000);
}
function parseSeriesName(name, value) {
    return value === null ? DEFAULTS.name : validateSeriesName(value, name);
}
// Branches whose history is the project's own: history written there would land in the code.
const CODE_BRANCHES = ['main', 'master'];
/**
 * The branch history is written to. It must be a name `git check-ref-format --branch` accepts
 * (kept to a plain character set so it is never read as an option or a revision expression), and
 * never a branch that holds code: `HEAD` or `main`/`master`, compared without case because a
 * macOS or Windows runner's refs folder does not tell `Main` from `main`. The event's own default,
 * head and base branches are refused where the event is known (the action's run policy).
 */
function parseDataBranch(name, value) {
    if (value === null)
        return DEFAULTS.dataBranch;
    const components = value.split('/');
    const wellFormed = value.length <= 200 &&
        /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) &&
        !/\.\.|\.$/.test(value) &&
        components.every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'));
    if (!wellFormed) {
        throw new UsageError(describeBadValue(name, value, 'a git branch name such as joulegate-data (letters, digits, ".", "_", "-" and "/" between parts; no "..", no part starting with "." or ending in ".lock")'));
    }
    if (value === 'HEAD' ||
        value.startsWith('refs/') ||
        CODE_BRANCHES.includes(value.toLowerCase())) {
        throw new UsageError(`${describeBadValue(name, value, 'a branch of its own for history, such as joulegate-data')}: HEAD, refs/… and ${CODE_BRANCHES.join('/')} name the code's branches, and history written there would land on top of the code`);
    }
    return value;
}
function parsePrometheusUrl(name, value) {
    if (value === null)
        return null;
    let ok;
    try {
        const u = new URL(value);
        ok =
            (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    }
    catch {
        ok = false;
    }
    // credentials in the URL would be printed with it: the token goes in JOULEGATE_PROMETHEUS_TOKEN
    const shown = value.replace(/\/\/[^/@]*@/, '//…@').slice(0, 200);
    if (!ok)
        throw new UsageError(describeBadValue(name, shown, 'an http(s) URL of a Prometheus server such as http://prometheus:9090, without credentials (the token goes in JOULEGATE_PROMETHEUS_TOKEN)'));
    return value;
}
/** Validates every raw value; the first bad one throws a UsageError naming input, value and expectation. */
function parseSettings(raw, labels = {}) {
    const n = (name) => labels[name] ?? name;
    const quick = parseBooleanSetting(n(INPUTS.quick), get(raw, INPUTS.quick), CALIBRATE.quick);
    return {
        mode: parseChoice(n(INPUTS.mode), get(raw, INPUTS.mode), MODES, DEFAULTS.mode),
        command: get(raw, INPUTS.command),
        name: parseSeriesName(n(INPUTS.name), get(raw, INPUTS.name)),
        repeat: parseIntegerSetting(n(INPUTS.repeat), get(raw, INPUTS.repeat), DEFAULTS.repeat, 1, 100),
        budgetFile: get(raw, INPUTS.budgetFile) ?? DEFAULTS.budgetFile,
        githubToken: get(raw, INPUTS.githubToken),
        comment: parseChoice(n(INPUTS.comment), get(raw, INPUTS.comment), ['always', 'never'], DEFAULTS.comment),
        dataBranch: parseDataBranch(n(INPUTS.dataBranch), get(raw, INPUTS.dataBranch)),
        failOnBudget: parseBooleanSetting(n(INPUTS.failOnBudget), get(raw, INPUTS.failOnBudget), DEFAULTS.failOnBudget),
        idleSeconds: parseNumberSetting(n(INPUTS.idleSeconds), get(raw, INPUTS.idleSeconds), quick ? CALIBRATE.quickIdleSeconds : DEFAULTS.idleSeconds, 0, 3600),
        carbonIntensity: parseCarbonIntensity(n(INPUTS.carbonIntensity), get(raw, INPUTS.carbonIntensity)),
        pue: parseNumberSetting(n(INPUTS.pue), get(raw, INPUTS.pue), DEFAULTS.pue, 1, 5),
        workingDirectory: get(raw, INPUTS.workingDirectory),
        resultFile: get(raw, INPUTS.resultFile),
        intervalMs: parseIntegerSetting(n(INPUTS.intervalMs), get(raw, INPUTS.intervalMs), DEFAULTS.intervalMs, 10, 60000),
        store: get(raw, INPUTS.store),
        record: parseBooleanSetting(n(INPUTS.record), get(raw, INPUTS.record), false),
        reportFile: get(raw, INPUTS.reportFile),
        out: get(raw, INPUTS.out),
        trustedCode: parseBooleanSetting(n(INPUTS.trustedCode), get(raw, INPUTS.trustedCode), false),
        commentAuthor: get(raw, INPUTS.commentAuthor),
        calibration: get(raw, INPUTS.calibration),
        referenceCalibration: get(raw, INPUTS.referenceCalibration),
        prometheusUrl: parsePrometheusUrl(n(INPUTS.prometheusUrl), get(raw, INPUTS.prometheusUrl)),
        prometheusSelector: get(raw, INPUTS.prometheusSelector),
        calibrationRuns: parseIntegerSetting(n(INPUTS.calibrationRuns), get(raw, INPUTS.calibrationRuns), CALIBRATE.runs, 1, CALIBRATE.maxRuns),
        calibrationCooldownSeconds: parseNumberSetting(n(INPUTS.calibrationCooldownSeconds), get(raw, INPUTS.calibrationCooldownSeconds), quick ? CALIBRATE.quickCooldownSeconds : CALIBRATE.cooldownSeconds, 0, CALIBRATE.maxCooldownSeconds),
        quick
    };
}

const peq = new Uint32Array(0x10000);
const myers_32 = (a, b) => {
    const n = a.length;
    const m = b.length;
    const lst = 1 << (n - 1);
    let pv = -1;
    let mv = 0;
    let sc = n;
    let i = n;
    while (i--) {
        peq[a.charCodeAt(i)] |= 1 << i;
    }
    for (i = 0; i < m; i++) {
        let eq = peq[b.charCodeAt(i)];
        const xv = eq | mv;
        eq |= ((eq & pv) + pv) ^ pv;
        mv |= ~(eq | pv);
        pv &= eq;
        if (mv & lst) {
            sc++;
        }
        if (pv & lst) {
            sc--;
        }
        mv = (mv << 1) | 1;
        pv = (pv << 1) | ~(xv | mv);
        mv &= xv;
    }
    i = n;
    while (i--) {
        peq[a.charCodeAt(i)] = 0;
    }
    return sc;
};
const myers_x = (b, a) => {
    const n = a.length;
    const m = b.length;
    const mhc = [];
    const phc = [];
    const hsize = Math.ceil(n / 32);
    const vsize = Math.ceil(m / 32);
    for (let i = 0; i < hsize; i++) {
        phc[i] = -1;
        mhc[i] = 0;
    }
    let j = 0;
    for (; j < vsize - 1; j++) {
        let mv = 0;
        let pv = -1;
        const start = j * 32;
        const vlen = Math.min(32, m) + start;
        for (let k = start; k < vlen; k++) {
            peq[b.charCodeAt(k)] |= 1 << k;
        }
        for (let i = 0; i < n; i++) {
            const eq = peq[a.charCodeAt(i)];
            const pb = (phc[(i / 32) | 0] >>> i) & 1;
            const mb = (mhc[(i / 32) | 0] >>> i) & 1;
            const xv = eq | mv;
            const xh = ((((eq | mb) & pv) + pv) ^ pv) | eq | mb;
            let ph = mv | ~(xh | pv);
            let mh = pv & xh;
            if ((ph >>> 31) ^ pb) {
                phc[(i / 32) | 0] ^= 1 << i;
            }
            if ((mh >>> 31) ^ mb) {
                mhc[(i / 32) | 0] ^= 1 << i;
            }
            ph = (ph << 1) | pb;
            mh = (mh << 1) | mb;
            pv = mh | ~(xv | ph);
            mv = ph & xv;
        }
        for (let k = start; k < vlen; k++) {
            peq[b.charCodeAt(k)] = 0;
        }
    }
    let mv = 0;
    let pv = -1;
    const start = j * 32;
    const vlen = Math.min(32, m - start) + start;
    for (let k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] |= 1 << k;
    }
    let score = m;
    for (let i = 0; i < n; i++) {
        const eq = peq[a.charCodeAt(i)];
        const pb = (phc[(i / 32) | 0] >>> i) & 1;
        const mb = (mhc[(i / 32) | 0] >>> i) & 1;
        const xv = eq | mv;
        const xh = ((((eq | mb) & pv) + pv) ^ pv) | eq | mb;
        let ph = mv | ~(xh | pv);
        let mh = pv & xh;
        score += (ph >>> (m - 1)) & 1;
        score -= (mh >>> (m - 1)) & 1;
        if ((ph >>> 31) ^ pb) {
            phc[(i / 32) | 0] ^= 1 << i;
        }
        if ((mh >>> 31) ^ mb) {
            mhc[(i / 32) | 0] ^= 1 << i;
        }
        ph = (ph << 1) | pb;
        mh = (mh << 1) | mb;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    for (let k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] = 0;
    }
    return score;
};
const distance = (a, b) => {
    if (a.length < b.length) {
        const tmp = b;
        b = a;
        a = tmp;
    }
    if (b.length === 0) {
        return a.length;
    }
    if (a.length <= 32) {
        return myers_32(a, b);
    }
    return myers_x(a, b);
};
const closest = (str, arr) => {
    let min_distance = Infinity;
    let min_index = 0;
    for (let i = 0; i < arr.length; i++) {
        const dist = distance(str, arr[i]);
        if (dist < min_distance) {
            min_distance = dist;
            min_index = i;
        }
    }
    return arr[min_index];
};

export { CALIBRATE as C, DEFAULT_STORE_DIR as D, INPUTS as I, UsageError as U, DEFAULTS as a, parseDataBranch as b, closest as c, describeBadValue as d, excerptValue as e, distance as f, parseIntegerSetting as g, isSeriesName as i, parseSettings as p, validateSeriesName as v };
