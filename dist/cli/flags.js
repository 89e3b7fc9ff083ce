import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { parseArgs } from 'node:util';
import { I as INPUTS, U as UsageError, d as describeBadValue, c as closest, f as distance, g as parseIntegerSetting } from './mod.js';

// One flag table for every command: each flag says what it takes, its help line, and where its
// value lands in CliSettings (an input of the shared settings, validated there, or a CLI field
// with its own parser). Help, "did you mean" and the errors below are all drawn from it.
// A new flag is one FlagDef in its command's `flags` (or in COMMON when several commands take it):
// `input` for a value the shared settings already validate, else `field` (added to CliFields with
// its default) and a `parse` that throws a UsageError naming the flag, the value and what it expects.
/** A flag with this command's own help line. */
const withHelp = (flag, help) => ({ ...flag, help });
const integerIn = (min, max) => (value, flag) => parseIntegerSetting(flag, value, min, min, max);
const positiveNumber = (value, flag) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
        throw new UsageError(describeBadValue(flag, value, 'a positive number'));
    return n;
};
const choiceOf = (choices, expected = choices.join(', ')) => (value, flag) => {
    if (!choices.includes(value))
        throw new UsageError(describeBadValue(flag, value, expected));
    return value;
};
const nameLike = (expected, pattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/) => (value, flag) => {
    if (!pattern.test(value))
        throw new UsageError(describeBadValue(flag, value, expected));
    return value;
};
/** Flags several commands share; a command may give one its own help line with withHelp. */
const COMMON = {
    out: { name: 'out', type: 'string', value: 'FILE', input: INPUTS.out, help: 'write to FILE' },
    intervalMs: {
        name: 'interval-ms',
        type: 'string',
        value: 'N',
        input: INPUTS.intervalMs,
        help: 'sampling interval in milliseconds (default 100)'
    },
    idleS: {
        name: 'idle-s',
        type: 'string',
        value: 'S',
        input: INPUTS.idleSeconds,
        help: 'seconds of idle power measured before the command (default 10; 0 skips)'
    },
    repeat: {
        name: 'repeat',
        type: 'string',
        value: 'N',
        input: INPUTS.repeat,
        help: 'run the command N times (default 1)'
    },
    store: {
        name: 'store',
        type: 'string',
        value: 'DIR',
        input: INPUTS.store,
        help: 'history folder'
    },
    prometheus: {
        name: 'prometheus',
        type: 'string',
        value: 'URL',
        input: INPUTS.prometheusUrl,
        help: "also read the job's energy from the cluster's Prometheus (DCGM exporter, node exporter\nRAPL, Kepler); bearer token from JOULEGATE_PROMETHEUS_TOKEN"
    },
    prometheusSelector: {
        name: 'prometheus-selector',
        type: 'string',
        value: 'M',
        input: INPUTS.prometheusSelector,
        help: 'PromQL label matchers for every cluster query, e.g. hpc_job="4242"'
    },
    json: { name: 'json', type: 'boolean', field: 'json', help: 'print JSON instead of markdown' },
    family: {
        name: 'family',
        type: 'string',
        value: 'NAME',
        field: 'family',
        parse: nameLike('a name like a series name (letters, digits, ".", "_", "-")'),
        help: 'the workload family'
    }
};
const HELP_FLAG = { name: 'help', type: 'boolean', help: 'show this help' };
/** The flag among `flags` nearest to a mistyped name, when it is near enough to be a typo. */
function suggestName(typed, names) {
    if (names.length === 0 || typed === '')
        return null;
    const best = closest(typed, [...names]);
    return distance(typed, best) <= Math.max(2, Math.floor(typed.length / 3)) ? best : null;
}
/**
 * Where the options stop and an unmarked command begins (`joulegate measure python train.py`):
 * the index of the first token that is neither a known flag nor a flag's value, or -1.
 */
function findUnmarkedCommand(argv, flags) {
    for (let i = 0; i < argv.length; i++) {
        const token = argv[i];
        if (!token.startsWith('-') || token === '-')
            return i;
        if (!token.startsWith('--'))
            continue;
        const [name, inline] = token.slice(2).split('=', 2);
        const def = flags.find((f) => f.name === name);
        if (!def)
            return -1; // an unknown flag: parseArgs names it
        if (def.type === 'string' && inline === undefined)
            i++;
    }
    return -1;
}
function parseArgv(command, argv, flags) {
    const dash = argv.indexOf('--');
    const own = dash === -1 ? argv : argv.slice(0, dash);
    const rest = dash === -1 ? [] : argv.slice(dash + 1);
    const options = Object.fromEntries(flags.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}) }]));
    try {
        const { values, positionals } = parseArgs({
            args: own,
            options: { ...options, help: { type: 'boolean', short: 'h' } },
            allowPositionals: true,
            strict: true
        });
        return { values: values, positionals, rest, dashed: dash !== -1 };
    }
    catch (error) {
        throw new UsageError(describeFlagError(command, error, own, flags));
    }
}
function describeFlagError(command, error, argv, flags) {
    const e = error;
    const flag = /'(-[^' ]*)/.exec(e.message ?? '')?.[1] ?? '';
    const visible = flags.filter((f) => !f.hidden);
    const hint = `(run "joulegate ${command} --help" for the options)`;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        const expected = `one of ${visible.map((f) => `--${f.name}`).join(', ')}`;
        const typed = flag.replace(/^-+/, '').split('=')[0] ?? '';
        const near = suggestName(typed, flags.map((f) => f.name));
        const mean = near ? `; did you mean --${near}?` : '';
        return `${command}: unknown option ${flag}; expected ${expected}${mean} ${hint}`;
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
        const def = flags.find((f) => `--${f.name}` === flag);
        if (def?.type === 'boolean') {
            const given = argv.find((t) => t.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? '';
            return `${command}: ${describeBadValue(flag, given, `no value (write ${flag} alone)`)} ${hint}`;
        }
        return `${command}: option ${flag || 'value'} needs a value: expected ${flag} ${def?.value ?? 'VALUE'} ${hint}`;
    }
    return `${command}: ${(e.message ?? String(error)).replace(/^.*?: /, '')} ${hint}`;
}

export { COMMON as C, HELP_FLAG as H, positiveNumber as a, choiceOf as c, findUnmarkedCommand as f, integerIn as i, nameLike as n, parseArgv as p, suggestName as s, withHelp as w };
