#!/usr/bin/env node
import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { U as UsageError, p as parseSettings, D as DEFAULT_STORE_DIR } from './cli/mod.js';
import { f as findUnmarkedCommand, p as parseArgv, s as suggestName } from './cli/flags.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { r as runGitRaw } from './cli/git.js';
import { r as readEnv } from './cli/env.js';
import { f as formatTopHelp, a as formatCommandHelp } from './cli/help.js';
import 'node:util';
import 'node:fs/promises';
import './cli/process.js';
import 'node:child_process';

var version = "0.1.0";
var pkg = {
	version: version};

// A history folder created inside a repository would be committed with the next `git add -A`:
// measurements, host fingerprints and locks in the project's history. When joulegate creates it
// and git does not ignore it, the user is told once (the folder exists from then on).
/** Call before the command; the returned function, after it, says what to add to .gitignore. */
function watchNewFolder(dir, cwd, log) {
    const full = path.resolve(cwd, dir);
    const existed = existsSync(full);
    return async () => {
        if (existed || !existsSync(full))
            return;
        // exit 0: ignored; 1: not ignored; 128: not inside a repository (or git cannot tell)
        const result = await runGitRaw(['check-ignore', '-q', '--', full], {
            cwd,
            env: readEnv().vars,
            timeoutMs: 5000
        }).catch(() => null);
        if (result?.code !== 1)
            return;
        const shown = `${path.relative(cwd, full) || '.'}/`;
        log(`joulegate: created ${shown} inside a git repository; add it to .gitignore so that its measurements and locks are not committed: echo '${shown}' >> .gitignore`);
    };
}

/** A terminal that can redraw a line: not a pipe or file, not CI=true, not TERM=dumb. */
function isLiveTerminal(isTTY, env) {
    const ci = (env['CI'] ?? '').toLowerCase();
    return Boolean(isTTY) && ci !== 'true' && ci !== '1' && env['TERM'] !== 'dumb';
}
let readerGone = false;
let watching = false;
/**
 * `joulegate measure ... | head -1`: the reader may close stdout before the summary is written.
 * That is its choice, not a failure of the run: later writes are dropped quietly (no EPIPE trace)
 * and the exit status stays the command's. Any other stdout error still surfaces.
 */
function watchStdout() {
    if (watching)
        return;
    watching = true;
    process.stdout.on('error', (error) => {
        if (error.code === 'EPIPE')
            readerGone = true;
        else
            throw error;
    });
}
function createProcessIo() {
    watchStdout();
    return {
        out: (text) => {
            if (!readerGone)
                process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        },
        err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
        isTty: isLiveTerminal(process.stderr.isTTY, readEnv().vars)
    };
}

const CLI_DEFAULTS = {
    base: null,
    suite: 'auto',
    workloads: [],
    family: null,
    noStore: false,
    local: null,
    reference: null,
    measurements: [],
    model: null,
    baseline: null,
    allowQuick: false,
    json: false,
    metric: null,
    price: null,
    direction: null,
    planned: null,
    projectedKwh: null,
    score: null,
    costs: [],
    where: [],
    label: null,
    ewEnergy: null,
    ewReference: null,
    keep: false,
    outDir: null,
    series: [],
    dashboardBranch: null,
    remote: null,
    repoUrl: null,
    hidden: null,
    epochs: null,
    samples: null,
    seed: null
};

// The CLI's settings: argv is read once, against the command's flag table, into one typed and
// validated CliSettings (the shared Settings plus the fields only the CLI has); a command receives
// that object, never argv.
const quoteArg = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`);
/** Reads argv against the command's table; the first bad flag or value throws a UsageError. */
function buildCliSettings(command, input) {
    const argv = command.prepare ? command.prepare(input) : input;
    // before the flags are parsed: `measure python train.py --epochs 2` would otherwise be
    // refused for --epochs, which belongs to the command
    if (command.measures && !argv.includes('--')) {
        const at = findUnmarkedCommand(argv, command.flags);
        if (at !== -1) {
            const own = argv.slice(0, at).map(quoteArg);
            const cmd = argv.slice(at).map(quoteArg);
            throw new UsageError(`${command.name}: put \`--\` before the command to measure: joulegate ${[command.name, ...own, '--', ...cmd].join(' ')}`);
        }
    }
    const parsed = parseArgv(command.name, argv, command.flags);
    if (parsed.values['help'])
        return 'help';
    const raw = {};
    const labels = {};
    const fields = {};
    const given = new Set();
    for (const def of command.flags) {
        const value = parsed.values[def.name];
        if (value === undefined)
            continue;
        given.add(def.name);
        const flag = `--${def.name}`;
        if (def.input) {
            raw[def.input] = String(value);
            labels[def.input] = flag;
        }
        else if (def.field) {
            const convert = (v) => typeof v === 'string' && def.parse ? def.parse(v, flag) : v;
            fields[def.field] = Array.isArray(value) ? value.map(convert) : convert(value);
        }
    }
    if (!command.measures && parsed.dashed && parsed.rest.length > 0)
        throw new UsageError(`${command.name}: unexpected arguments after "--": ${parsed.rest.map(quoteArg).join(' ')}; ${command.name} measures no command (run "joulegate ${command.name} --help")`);
    return {
        ...parseSettings(raw, labels),
        ...CLI_DEFAULTS,
        ...fields,
        argv: parsed.rest,
        positionals: parsed.positionals,
        given
    };
}

/** The command table: one CommandDef per command; main reads argv once and hands out settings. */
// Each command's code is loaded only when it runs: `measure` starts the user's training sooner
// when it need not first compile the dashboard, Ajv schemas or CSV parser of the other commands
// (the bundle writes each as its own chunk next to dist/cli.js). Top-level help lists them in
// this order. A new command is one CommandDef module and one line here.
const COMMANDS = [
    { name: 'measure', load: async () => (await import('./cli/measure.js')).measure },
    { name: 'check', load: async () => (await import('./cli/check.js')).check },
    { name: 'calibrate', load: async () => (await import('./cli/calibrate.js')).calibrate },
    { name: 'normalize', load: async () => (await import('./cli/normalize.js')).normalize },
    { name: 'curve', load: async () => (await import('./cli/curve.js')).curve },
    { name: 'caps', load: async () => (await import('./cli/caps.js')).caps },
    { name: 'dashboard', load: async () => (await import('./cli/dashboard.js')).dashboard },
    { name: 'demo', load: async () => (await import('./cli/demo.js')).demo },
    { name: 'workload', load: async () => (await import('./cli/workload.js')).workload }
];
// one after another: only help needs them all, and the test runner's ESM loader cannot link
// modules that share dependencies while they load side by side
async function loadAll() {
    const all = [];
    for (const c of COMMANDS)
        all.push(await c.load());
    return all;
}
/** package.json's version, inlined into the bundle by the JSON plugin. */
const VERSION = pkg.version;
const findCommand = async (name) => COMMANDS.find((c) => c.name === name)?.load();
async function describeUnknownCommand(name, rest = []) {
    const shown = (await loadAll()).filter((c) => !c.internal).map((c) => c.name);
    if (name.startsWith('-'))
        return `unknown option ${name}; expected a command first: joulegate <command> [options] (one of ${shown.join(', ')})`;
    const near = suggestName(name, shown);
    if (near)
        return `unknown command "${name}"; did you mean "${near}"? (expected one of ${shown.join(', ')})`;
    return `unknown command "${name}"; expected one of ${shown.join(', ')}. To measure a program, put \`--\` before it: joulegate measure -- ${[name, ...rest].join(' ')}`;
}
/** Runs one command with its argv (what follows the command's name); bad input throws UsageError. */
async function runCommand(name, argv, io) {
    const command = await findCommand(name);
    if (!command)
        throw new UsageError(await describeUnknownCommand(name, argv));
    const settings = buildCliSettings(command, argv);
    if (settings === 'help') {
        io.out(formatCommandHelp(command));
        return 0;
    }
    // the folder every command that writes history or a default file creates (see --store)
    const noteFolder = watchNewFolder(settings.store ?? DEFAULT_STORE_DIR, process.cwd(), io.err);
    try {
        return await command.run(settings, io);
    }
    finally {
        await noteFolder();
    }
}
async function main(argv, io = createProcessIo()) {
    const [name, ...rest] = argv;
    try {
        if (name === undefined || name === '--help' || name === '-h') {
            io.out(formatTopHelp(await loadAll(), VERSION));
            return name === undefined ? 2 : 0;
        }
        if (name === '--version' || name === '-V' || name === 'version') {
            io.out(`joulegate ${VERSION}`);
            return 0;
        }
        if (name === 'help') {
            const [topic] = rest;
            if (topic === undefined) {
                io.out(formatTopHelp(await loadAll(), VERSION));
                return 0;
            }
            const command = await findCommand(topic);
            if (!command)
                throw new UsageError(await describeUnknownCommand(topic));
            io.out(formatCommandHelp(command));
            return 0;
        }
        return await runCommand(name, rest, io);
    }
    catch (error) {
        if (error instanceof UsageError) {
            io.err(`joulegate: ${error.message}`);
            return 2;
        }
        io.err(`joulegate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return 2;
    }
}

process.exitCode = await main(process.argv.slice(2));
