import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { o as openFolderStore } from './folder-backend.js';
import { I as INPUTS, U as UsageError, D as DEFAULT_STORE_DIR } from './mod.js';
import { r as runCheck, e as exitCodeForVerdict } from './check2.js';
import { w as writeOrKeep } from './preflight.js';
import { C as COMMON, w as withHelp } from './flags.js';
import { c as createMeasureRunner } from './measure-runner.js';
import { r as readEnv } from './env.js';
import 'node:fs/promises';
import 'node:path';
import 'node:os';
import 'node:timers/promises';
import './ajv.js';
import './calibration-codec.js';
import './git.js';
import './process.js';
import 'node:child_process';
import 'node:fs';
import './parse-budget.js';
import './simple-statistics.js';
import 'tty';
import 'util';
import 'fs';
import 'net';
import './format.js';
import 'process';
import 'buffer';
import './read-json-file.js';
import './index.js';
import './metrics-protocol.js';
import './curve2.js';
import './normalize2.js';
import 'node:util';
import 'node:crypto';
import 'node:perf_hooks';
import 'node:string_decoder';

// joulegate check [--config FILE] [--store DIR] [--name SERIES] [--record] [--report FILE] -- CMD ...
const check = {
    name: 'check',
    summary: "measure a command, compare it with the series' baseline and judge it against the budget",
    usage: 'joulegate check [options] -- CMD [ARGS...]',
    measures: true,
    description: `Measures CMD, compares it with the series' baseline in the store, judges it against the budget
and prints the report. Exit status: 0 pass, inconclusive or no-baseline; 1 fail (or the command
failed); 2 bad flags, budget or input.`,
    flags: [
        {
            name: 'config',
            type: 'string',
            value: 'FILE',
            input: INPUTS.budgetFile,
            help: 'budget file (default .github/joulegate.yml; absent: no rules)'
        },
        withHelp(COMMON.store, `history folder (default ${DEFAULT_STORE_DIR})`),
        {
            name: 'name',
            type: 'string',
            value: 'SERIES',
            input: INPUTS.name,
            help: 'series name (default "default")'
        },
        {
            name: 'record',
            type: 'boolean',
            input: INPUTS.record,
            help: "also store this run as the series' newest record"
        },
        {
            name: 'report',
            type: 'string',
            value: 'FILE',
            input: INPUTS.reportFile,
            help: 'write the markdown report to FILE'
        },
        {
            name: 'result',
            type: 'string',
            value: 'FILE',
            input: INPUTS.resultFile,
            help: 'write the result JSON (for joulegate\'s action mode "report")'
        },
        {
            name: 'base',
            type: 'string',
            value: 'REF',
            field: 'base',
            help: "judge as a pull request onto REF: its record is the baseline and ITS\nbudget file (read from git) sets the rules (default: the checkout's)"
        },
        COMMON.repeat,
        withHelp(COMMON.idleS, 'idle power measured first (default 10; 0 skips)'),
        withHelp(COMMON.intervalMs, 'sampling interval (default 100)'),
        {
            name: 'calibration',
            type: 'string',
            value: 'FILE',
            input: INPUTS.calibration,
            help: "this runner's calibration (default: the store's, by host fingerprint)"
        },
        {
            name: 'reference-calibration',
            type: 'string',
            value: 'FILE',
            input: INPUTS.referenceCalibration,
            help: 'reference scale for normalised energy'
        },
        {
            name: 'carbon-intensity',
            type: 'string',
            value: 'X',
            input: INPUTS.carbonIntensity,
            help: 'gCO2e/kWh or an ISO country code (default: world average)'
        },
        {
            name: 'pue',
            type: 'string',
            value: 'X',
            input: INPUTS.pue,
            help: 'power usage effectiveness (default 1.0)'
        },
        COMMON.prometheus,
        COMMON.prometheusSelector
    ],
    async run(settings, io) {
        if (settings.argv.length === 0)
            throw new UsageError('check: no command given; expected "-- CMD [ARGS...]" after the options');
        const store = openFolderStore(settings.store ?? DEFAULT_STORE_DIR);
        const runner = createMeasureRunner(io);
        // checked before the command starts, so a bad path never costs a training run
        const outputs = [
            ...(settings.reportFile ? [{ input: '--report', path: settings.reportFile }] : []),
            ...(settings.resultFile ? [{ input: '--result', path: settings.resultFile }] : [])
        ];
        try {
            const outcome = await runCheck(settings, {
                outputs,
                cwd: process.cwd(),
                baseSha: settings.base,
                headSha: null,
                store,
                log: runner.log,
                signal: runner.signal,
                argv: settings.argv,
                env: readEnv(),
                onTick: runner.onTick,
                onStep: runner.onStep
            });
            runner.clear();
            // the terminal reading; the markdown comment goes to --report FILE
            io.out(outcome.summaryText);
            const log = (line) => io.err(line);
            const reportKept = settings.reportFile !== null &&
                (await writeOrKeep(settings.reportFile, outcome.report, 'report', log)).kept;
            const resultKept = settings.resultFile !== null &&
                (await writeOrKeep(settings.resultFile, `${JSON.stringify(outcome.result, null, 2)}\n`, 'result', log)).kept;
            if (reportKept || resultKept)
                return 2;
            if (outcome.commandExitCode !== 0) {
                io.err(`joulegate: the command ${outcome.interrupted ? 'was interrupted' : `exited with ${outcome.commandExitCode ?? 'a signal'}`}; the check fails`);
                return 1;
            }
            return exitCodeForVerdict(outcome.verdict);
        }
        finally {
            runner.dispose();
            await store.close();
        }
    }
};

export { check };
