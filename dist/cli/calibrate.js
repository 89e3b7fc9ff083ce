import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { writeFile } from 'node:fs/promises';
import { o as openFolderStore } from './folder-backend.js';
import { U as UsageError, d as describeBadValue, C as CALIBRATE, I as INPUTS, D as DEFAULT_STORE_DIR, a as DEFAULTS } from './mod.js';
import { m as markdownTable } from './index.js';
import { f as formatEnergy, b as formatShare } from './format.js';
import { C as CALIBRATION_SCHEMA, c as calibrationKindOf } from './calibration-codec.js';
import { p as probeSensors, r as readGpuInventory, a as readHostInventory, m as measureCommand, b as measureIdlePower, f as formatStepLine, c as createMeasureRunner } from './measure-runner.js';
import { s as sensorEnvOf, r as readEnv } from './env.js';
import { c as chooseSuite, p as parseCustomWorkload } from './reference-suite.js';
import { w as withHelp, c as choiceOf, C as COMMON } from './flags.js';
import 'node:path';
import 'node:os';
import 'node:timers/promises';
import './ajv.js';
import 'node:crypto';
import 'node:fs';
import 'node:perf_hooks';
import './process.js';
import 'node:child_process';
import 'node:string_decoder';
import './metrics-protocol.js';
import 'node:url';
import 'node:util';

// Pure pieces of `joulegate calibrate`: one point from repeated runs, and drift between two
// calibrations of the same host (driver update, thermal trouble, a new card).
/** Below this a cv says more about counter resolution than about the runner's noise. */
const DRIFT_CV_FLOOR = 0.01;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation over the mean; 0 for a single run (no spread observed). */
function computeCv(xs) {
    if (xs.length < 2)
        return 0;
    const m = mean(xs);
    const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    return Math.sqrt(variance) / m;
}
/** Averages the runs of one workload; cv is the energy's coefficient of variation. */
function buildCalibrationPoint(workload, runs, family) {
    if (runs.length === 0)
        throw new UsageError(describeBadValue(`${workload} runs`, [], 'at least one run'));
    runs.forEach((run, i) => {
        for (const key of ['energyJ', 'durationS', 'meanPowerW']) {
            const v = run[key];
            if (!Number.isFinite(v) || v <= 0)
                throw new UsageError(describeBadValue(`${workload} run ${i + 1} ${key}`, v, 'a finite number > 0'));
        }
    });
    const point = {
        workload,
        energyJ: mean(runs.map((r) => r.energyJ)),
        durationS: mean(runs.map((r) => r.durationS)),
        meanPowerW: mean(runs.map((r) => r.meanPowerW)),
        runs: runs.length,
        cv: computeCv(runs.map((r) => r.energyJ))
    };
    // a count reported by only some runs would mix work sizes; keep it only when all agree on having it
    const flops = runs.map((r) => r.flops);
    if (flops.every((f) => f !== undefined && f > 0))
        point.flops = mean(flops);
    const params = runs.map((r) => r.params);
    if (params.every((p) => p !== undefined && p > 0))
        point.params = mean(params);
    // the GPU set is the host's and does not change between runs; keep it only when every run saw it
    const same = (xs) => xs.every((x) => x !== undefined && x === xs[0]) ? xs[0] : undefined;
    const gpuCount = same(runs.map((r) => r.gpuCount));
    const powerLimitW = same(runs.map((r) => r.powerLimitW));
    if (gpuCount !== undefined)
        point.gpuCount = gpuCount;
    if (powerLimitW !== undefined)
        point.powerLimitW = powerLimitW;
    if (family !== undefined)
        point.family = family;
    return point;
}
/** One warning per shared workload whose energy moved by more than twice its cv. */
function detectDrift(previous, next) {
    const before = new Map(previous.points.map((p) => [p.workload, p]));
    const warnings = [];
    for (const point of next.points) {
        const old = before.get(point.workload);
        if (!old)
            continue;
        const change = point.energyJ / old.energyJ - 1;
        const cv = Math.max(point.cv ?? 0, old.cv ?? 0, DRIFT_CV_FLOOR);
        if (Math.abs(change) > 2 * cv)
            warnings.push(`${point.workload}: energy moved ${(change * 100).toFixed(1)}% ` +
                `(${old.energyJ.toFixed(1)} J on ${previous.createdAt || 'the previous calibration'} → ` +
                `${point.energyJ.toFixed(1)} J), more than twice its cv ${(cv * 100).toFixed(1)}%: ` +
                `driver update, thermal problem or a different card?`);
    }
    return warnings;
}

// The calibration report: the job summary the action writes and the lines the CLI prints, from
// the same points, so a runner's calibration reads the same in both.
/** The job summary of a calibration: one row per workload, drift warnings, where it is kept. */
function renderCalibrationReport(cal, warnings, 
/** where it was kept as the runner's calibration; null: it was not (quick, cut short, no store) */
where) {
    const rows = cal.points.map((p) => [
        p.workload,
        formatEnergy(p.energyJ),
        `${p.durationS.toFixed(1)} s`,
        `${p.meanPowerW.toFixed(1)} W`,
        p.cv === undefined ? '—' : formatShare(p.cv),
        String(p.runs ?? 1)
    ]);
    return [
        `### joulegate calibration for host \`${cal.host.fingerprint}\``,
        '',
        `${cal.host.gpus.map((g) => g.name).join(', ') || cal.host.cpu}; driver ${cal.host.driver ?? 'n/a'}; idle ${cal.idlePowerW === null ? 'not measured' : `${cal.idlePowerW.toFixed(1)} W`}; mean power is the ${cal.powerOf ?? 'gpu'}'s.`,
        '',
        markdownTable([['workload', 'energy', 'duration', 'mean power', 'cv', 'runs'], ...rows]),
        '',
        ...(warnings.length > 0
            ? ['**Drift against the previous calibration:**', '', ...warnings.map((w) => `- ${w}`), '']
            : []),
        ...(cal.notices ?? []).map((n) => `> ${n}`),
        where === null
            ? "Not kept as this runner's calibration: a quick or interrupted run, or no store, never becomes one."
            : `Kept in ${where}.`
    ].join('\n');
}
/** One line per workload for the terminal, after the calibration was written. */
function formatCalibrationLines(cal) {
    return cal.points.map((p) => `  ${p.workload}: ${formatEnergy(p.energyJ)} in ${p.durationS.toFixed(1)} s, ${p.meanPowerW.toFixed(1)} W, cv ${formatShare(p.cv ?? 0)}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function deviceOf(m, kind) {
    const parts = m.components.filter((c) => c.kind === kind && c.meanPowerW !== null);
    const limits = parts.map((c) => c.powerLimitW ?? null);
    return {
        power: parts.reduce((s, c) => s + (c.meanPowerW ?? 0), 0),
        found: parts.length > 0,
        count: parts.length,
        limitW: parts.length > 0 && limits.every((l) => l !== null && l > 0)
            ? limits.reduce((a, b) => a + b, 0)
            : null
    };
}
/**
 * The newest calibration of this host of the same kind (full, or estimate for estimate): a quick
 * smoke run's small-scale energies would read as a 400% "drift" of a healthy runner.
 */
async function findDriftReference(store, fingerprint, kind) {
    const latest = await store.readCalibration(fingerprint);
    const candidates = [...(await store.readCalibrationLog(fingerprint)), ...(latest ? [latest] : [])];
    const time = (c) => Date.parse(c.createdAt) || 0;
    return candidates
        .filter((c) => calibrationKindOf(c) === kind)
        .reduce((best, c) => (best && time(best) > time(c) ? best : c), null);
}
async function runCalibration(o) {
    const sensorEnv = sensorEnvOf(o.env, o.intervalMs);
    const probe = await probeSensors(sensorEnv);
    for (const n of probe.notices)
        o.log(`joulegate: ${n}`);
    const inventory = await readGpuInventory(sensorEnv).catch(() => []);
    const host = await readHostInventory(inventory.map((g) => g.name), inventory.find((g) => g.driver)?.driver ?? null);
    // the CPU suite describes the CPU even where a GPU is visible (it idles through it)
    const cpuSuite = o.workloads.length > 0 && o.workloads.every((w) => w.device === 'cpu');
    const powerOf = inventory.length > 0 && !cpuSuite ? 'gpu' : 'cpu';
    const estimated = probe.sensors.every((sensor) => sensor.source === 'estimate');
    const warm = o.workloads[0]?.quick && !o.quick ? o.workloads[0].quick : null;
    // every step of the job is numbered: warm-up, idle window, each run of each workload
    const total = (warm ? 1 : 0) + (o.idleS > 0 ? 1 : 0) + o.workloads.length * o.runs;
    let index = 0;
    const announce = (step) => {
        const numbered = { ...step, index: ++index, total };
        if (o.onStep)
            o.onStep(numbered);
        else
            o.log(formatStepLine(numbered));
    };
    const base = {
        cwd: o.cwd,
        env: o.env.vars,
        openSensors: () => probeSensors(sensorEnv),
        readHost: async () => host,
        idleS: 0,
        repeat: 1,
        intervalMs: o.intervalMs,
        signal: o.signal,
        log: o.log,
        onTick: o.onTick ? (tick) => o.onTick(tick, estimated) : undefined
    };
    if (warm) {
        announce({ label: 'warm-up run (not recorded)' });
        await measureCommand({ ...base, command: warm });
    }
    const createdAt = new Date().toISOString();
    const idlePowerW = await measureIdlePower({
        ...base,
        command: { argv: ['true'] },
        idleS: o.idleS,
        onStep: announce
    });
    const points = [];
    const notices = [...probe.notices];
    // a smoke run's energies are a small scale's, not comparable with a full run's: marked so that
    // nothing stores it as the runner's calibration, compares drift with it or normalises with it
    const kind = o.quick ? 'quick' : estimated ? 'estimate' : 'full';
    if (o.quick)
        notices.push("quick: a smoke run at a small scale; not the runner's calibration (never stored, never a drift reference, refused by normalize unless forced)");
    if (estimated)
        notices.push('no energy sensor: this calibration is built from the estimate model and cannot normalise real measurements');
    const workloadsLeft = (done) => o.workloads.slice(done).map((w) => w.name);
    // A calibration takes minutes: the file is rewritten after every workload, so a cancelled or
    // timed-out run still leaves the points it finished (marked incomplete).
    const assemble = (done, missing) => {
        const cal = {
            schema: CALIBRATION_SCHEMA,
            createdAt,
            host: {
                fingerprint: host.fingerprint,
                cpu: host.cpu,
                gpus: inventory.map((g) => ({ name: g.name, powerLimitW: g.powerLimitW })),
                driver: host.driver ?? null
            },
            idlePowerW,
            points: [...done],
            powerOf,
            kind
        };
        const all = missing.length > 0
            ? [...notices, `incomplete: not yet measured: ${missing.join(', ')}`]
            : notices;
        if (all.length > 0)
            cal.notices = all;
        return cal;
    };
    let interrupted = false;
    for (const w of o.workloads) {
        const runs = [];
        for (let i = 1; i <= o.runs && !o.signal?.aborted; i++) {
            announce({ label: `${w.name} run ${i} of ${o.runs}` });
            const m = await measureCommand({ ...base, command: o.quick && w.quick ? w.quick : w.command });
            if (m.interrupted) {
                interrupted = true;
                break;
            }
            if (m.exitCode !== 0)
                throw new Error(`calibration workload ${w.name} failed with exit status ${m.exitCode ?? m.signal}; fix it or leave it out`);
            const device = deviceOf(m, powerOf);
            const run = {
                energyJ: m.energyJ,
                durationS: m.durationS,
                meanPowerW: device.found ? device.power : m.energyJ / m.durationS
            };
            if (m.metrics['flops'])
                run.flops = m.metrics['flops'];
            if (m.metrics['params'])
                run.params = m.metrics['params'];
            if (powerOf === 'gpu' && device.found) {
                run.gpuCount = device.count;
                if (device.limitW !== null)
                    run.powerLimitW = device.limitW;
            }
            runs.push(run);
            if (i < o.runs && o.cooldownS > 0)
                await sleep(o.cooldownS * 1000);
        }
        if (interrupted || o.signal?.aborted)
            break;
        points.push(buildCalibrationPoint(w.name, runs, w.family));
        await o.onProgress?.(assemble(points, workloadsLeft(points.length)));
    }
    const calibration = assemble(points, workloadsLeft(points.length));
    const previous = kind !== 'quick' && o.store ? await findDriftReference(o.store, host.fingerprint, kind) : null;
    const warnings = previous ? detectDrift(previous, calibration) : [];
    for (const w of warnings)
        o.log(`joulegate: drift: ${w}`);
    return { calibration, warnings, interrupted: interrupted || Boolean(o.signal?.aborted) };
}

async function calibrateRunner(settings, request, ctx) {
    const chosen = request.suite === null
        ? { workloads: [], notices: [] }
        : await chooseSuite(request.suite, sensorEnvOf(ctx.env, settings.intervalMs));
    for (const notice of chosen.notices)
        ctx.log(`joulegate: ${notice}`);
    const workloads = [...chosen.workloads, ...(request.workloads ?? [])];
    const runs = settings.calibrationRuns;
    const names = workloads.map((w) => w.name);
    ctx.log(`joulegate: calibrating with ${names.join(', ')} (${runs} runs each)`);
    const result = await runCalibration({
        workloads,
        runs,
        quick: settings.quick,
        cooldownS: settings.calibrationCooldownSeconds,
        idleS: settings.idleSeconds,
        intervalMs: settings.intervalMs,
        env: ctx.env,
        cwd: ctx.cwd,
        signal: ctx.signal,
        log: ctx.log,
        onStep: ctx.onStep,
        onTick: ctx.onTick,
        onProgress: ctx.onProgress,
        store: ctx.store
    });
    const store = ctx.store;
    const stored = store !== null && !result.interrupted && result.calibration.kind !== 'quick';
    if (stored)
        await store.writeCalibration(result.calibration.host.fingerprint, result.calibration);
    return {
        ...result,
        stored,
        workloads: names,
        report: renderCalibrationReport(result.calibration, result.warnings, stored ? store.description : null)
    };
}

// joulegate calibrate [--out FILE] [--workload NAME=CMD ...] [--runs N] [--quick] [--suite S]
const calibrate = {
    name: 'calibrate',
    summary: 'run the reference suite (or your workloads) and write a calibration of this runner',
    usage: 'joulegate calibrate [options]',
    description: 'Runs the reference suite (or your workloads) and writes a joulegate.calibration/v1 file.',
    flags: [
        withHelp(COMMON.out, 'write the calibration to FILE'),
        {
            name: 'workload',
            type: 'string',
            value: 'NAME=CMD',
            multiple: true,
            field: 'workloads',
            help: 'a workload of your own (repeatable); replaces the built-in suite,\nunless --suite is given too (then both run, the suite first)'
        },
        {
            name: 'suite',
            type: 'string',
            value: 'auto|gpu|cpu',
            field: 'suite',
            parse: choiceOf(['auto', 'gpu', 'cpu'], 'auto, gpu or cpu'),
            help: 'built-in suite (default auto: gpu when an NVIDIA or AMD GPU is visible)'
        },
        {
            name: 'runs',
            type: 'string',
            value: 'N',
            input: INPUTS.calibrationRuns,
            help: `runs per workload (default ${CALIBRATE.runs})`
        },
        {
            name: 'cooldown-s',
            type: 'string',
            value: 'S',
            input: INPUTS.calibrationCooldownSeconds,
            help: `pause between runs (default ${CALIBRATE.cooldownSeconds}; ${CALIBRATE.quickCooldownSeconds} with --quick)`
        },
        withHelp(COMMON.idleS, `idle power measured first (default ${DEFAULTS.idleSeconds}; ${CALIBRATE.quickIdleSeconds} with --quick)`),
        withHelp(COMMON.intervalMs, 'sampling interval (default 100)'),
        {
            name: 'quick',
            type: 'boolean',
            input: INPUTS.quick,
            help: 'the suite\'s small scale (tests, smoke checks): marked kind "quick",\nnever stored as the runner\'s calibration'
        },
        withHelp(COMMON.family, "the workload family of --workload points (default: the workload's name);\nname it like the series whose pull-request runs it anchors"),
        withHelp(COMMON.store, `also keep it in this history folder, by host fingerprint (default ${DEFAULT_STORE_DIR})`),
        { name: 'no-store', type: 'boolean', field: 'noStore', help: 'do not keep it in the store' }
    ],
    run: runCalibrate
};
async function runCalibrate(...[settings, io]) {
    const { family } = settings;
    const env = readEnv();
    const custom = settings.workloads.map((w) => parseCustomWorkload(w, family ?? undefined));
    if (family !== null && custom.length === 0)
        throw new UsageError(describeBadValue('--family', family, 'to come with --workload NAME=CMD (the suite has no family)'));
    // --workload alone replaces the suite; with --suite named too, the suite runs first and the
    // team's own training is added to it (one file holds the suite points and the anchor)
    const withSuite = custom.length === 0 || settings.given.has('suite');
    const store = settings.noStore ? null : openFolderStore(settings.store ?? DEFAULT_STORE_DIR);
    const runner = createMeasureRunner(io);
    const out = settings.out;
    const serialize = (cal) => `${JSON.stringify(cal, null, 2)}\n`;
    try {
        const result = await calibrateRunner(settings, { suite: withSuite ? settings.suite : null, workloads: custom }, {
            env,
            signal: runner.signal,
            log: runner.log,
            onStep: runner.onStep,
            onTick: runner.onTick,
            store,
            onProgress: out ? (partial) => writeFile(out, serialize(partial)) : undefined
        });
        runner.clear();
        if (result.interrupted) {
            if (out)
                await writeFile(out, serialize(result.calibration));
            io.err(`joulegate: calibration interrupted after ${result.calibration.points.length} of ${result.workloads.length} workloads; ${out ? `the finished points are in ${out} (marked incomplete); ` : ''}nothing was stored`);
            return 130;
        }
        if (out)
            await writeFile(out, serialize(result.calibration));
        else
            io.out(serialize(result.calibration));
        if (store && result.calibration.kind === 'quick') {
            io.err(`joulegate: a quick calibration (smoke run) is not the runner's calibration: not kept in ${store.description}`);
        }
        else if (store && result.stored) {
            io.err(`joulegate: calibration kept in ${store.description} for host ${result.calibration.host.fingerprint}`);
        }
        for (const line of formatCalibrationLines(result.calibration))
            io.err(line);
        return 0;
    }
    finally {
        runner.dispose();
        await store?.close();
    }
}

export { calibrate };
