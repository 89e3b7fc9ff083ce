import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { U as UsageError, D as DEFAULT_STORE_DIR } from './mod.js';
import { m as markdownTable } from './index.js';
import { d as describeTotalMethod, c as createMeasureRunner, e as exitStatusOf } from './measure-runner.js';
import { d as describeMethod, f as formatEnergy, a as formatWatts, b as formatShare, c as formatDuration } from './format.js';
import { s as summariseNodes, r as runPreflight, w as writeOrKeep } from './preflight.js';
import { C as COMMON, w as withHelp } from './flags.js';
import 'node:os';
import 'node:crypto';
import 'node:fs';
import 'node:perf_hooks';
import './process.js';
import 'node:child_process';
import 'node:string_decoder';
import './metrics-protocol.js';
import './calibration-codec.js';
import './ajv.js';
import './env.js';
import './read-json-file.js';
import './normalize2.js';
import 'node:util';

// The human summary printed by `measure`: every figure carries the method that produced it.
// a cluster job's hundreds of GPUs are summed per node below instead of one row each
const MAX_COMPONENT_ROWS = 24;
function summarizeMeasurement(m) {
    const shown = m.components.length > MAX_COMPONENT_ROWS
        ? m.components.filter((c) => c.host === undefined)
        : m.components;
    const rows = shown.map((c) => [
        c.id,
        c.name,
        `${describeMethod(c.method)} (${c.source})`,
        c.method === 'estimate' ? `≈ ${formatEnergy(c.energyJ)}` : formatEnergy(c.energyJ),
        c.method === 'estimate' ? `≈ ${formatWatts(c.meanPowerW)}` : formatWatts(c.meanPowerW),
        c.coverage === undefined ? '—' : formatShare(c.coverage)
    ]);
    if (shown.length < m.components.length) {
        const folded = m.components.filter((c) => c.host !== undefined);
        rows.push([
            `${folded.length} cluster devices`,
            'per node below',
            'counter (prometheus)',
            formatEnergy(folded.reduce((a, c) => a + c.energyJ, 0)),
            '',
            ''
        ]);
    }
    const totalMethod = describeTotalMethod(m.components);
    const estimated = m.components.some((c) => c.method === 'estimate');
    rows.push([
        'total',
        '',
        totalMethod,
        `${estimated ? '≈ ' : ''}${formatEnergy(m.energyJ)}`,
        `${estimated ? '≈ ' : ''}${formatWatts(m.durationS > 0 ? m.energyJ / m.durationS : null)}`,
        ''
    ]);
    const lines = [
        `command: ${m.command}`,
        `exit: ${describeExit(m)}${m.interrupted ? ' (interrupted: partial measurement)' : ''} · duration ${formatDuration(m.durationS)}`,
        '',
        markdownTable([['component', 'device', 'method', 'energy', 'mean power', 'coverage'], ...rows], { align: ['l', 'l', 'l', 'r', 'r', 'r'] }),
        ''
    ];
    if (m.idlePowerW !== null) {
        lines.push(`idle power: ${estimated ? '≈ ' : ''}${formatWatts(m.idlePowerW)} (${totalMethod}); net of idle: ${estimated ? '≈ ' : ''}${formatEnergy(m.netEnergyJ ?? 0)}`);
    }
    else
        lines.push(`idle power: not measured${m.interrupted ? '' : ' (--idle-s 0)'}`);
    if (m.repeat) {
        lines.push(`repeats: ${m.repeat.n} runs, mean ${formatEnergy(m.repeat.meanJ)}, sd ${formatEnergy(m.repeat.sdJ)}, cv ${formatShare(m.repeat.cv)}`);
    }
    const metrics = Object.entries(m.metrics);
    if (metrics.length > 0)
        lines.push(`metrics: ${metrics.map(([k, v]) => `${k}=${v}`).join(', ')} (${m.progress.length} progress lines)`);
    for (const n of summariseNodes(m.components))
        lines.push(`node ${n.host}: ${formatEnergy(n.energyJ)} (${n.models || 'no GPU'})${n.minCoverage !== null && n.minCoverage < 0.95 ? `, coverage ${formatShare(n.minCoverage)}` : ''}`);
    for (const error of m.metricErrors ?? [])
        lines.push(`warning: ${error}`);
    if (estimated)
        lines.push('note: figures marked ≈ are estimates from a power model, not measurements.');
    for (const notice of m.notices ?? [])
        lines.push(`notice: ${notice}`);
    return lines.join('\n');
}
function describeExit(m) {
    if (m.exitCode !== null)
        return String(m.exitCode);
    if (m.signal)
        return `signal ${m.signal}`;
    return 'not started';
}

// joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] [--prometheus URL] -- CMD [ARGS...]
/** Where a measurement goes without --out: beside the history, overwritten by the next one. */
const DEFAULT_MEASUREMENT_FILE = path.join(DEFAULT_STORE_DIR, 'last-measurement.json');
const measure = {
    name: 'measure',
    summary: "measure a command's energy and write a measurement file",
    usage: 'joulegate measure [--out FILE] [--interval-ms N] [--idle-s S] [--repeat N] -- CMD [ARGS...]',
    measures: true,
    flags: [
        withHelp(COMMON.out, `write the measurement (joulegate.measurement/v1) to FILE\n(default ${DEFAULT_MEASUREMENT_FILE}, replaced by the next run)`),
        COMMON.intervalMs,
        COMMON.idleS,
        withHelp(COMMON.repeat, 'run the command N times; the file holds the mean, sd and cv (default 1)'),
        COMMON.prometheus,
        COMMON.prometheusSelector
    ],
    notes: `The command finds JOULEGATE_METRICS_FILE in its environment and may append one JSON object per
line to it (e.g. {"epoch": 3, "psds1": 0.52}). Exit status: the command's when it fails, else 0.`,
    async run(settings, io) {
        if (settings.argv.length === 0)
            throw new UsageError('measure: no command given; expected "-- CMD [ARGS...]" after the options');
        // a bad --out is found before the command runs, not after an hour of training
        await runPreflight(null, {
            root: process.cwd(),
            outputs: settings.out ? [{ input: '--out', path: settings.out }] : []
        });
        const runner = createMeasureRunner(io);
        try {
            const measurement = await runner.measure({ argv: settings.argv }, settings);
            const file = settings.out ?? DEFAULT_MEASUREMENT_FILE;
            const text = `${JSON.stringify(measurement, null, 2)}\n`;
            let written = true;
            if (settings.out) {
                const kept = (await writeOrKeep(file, text, 'measurement', (line) => io.err(line))).kept;
                if (kept)
                    return 2;
            }
            else {
                // the default: a failure to keep it costs the file, not the command's exit status
                written = await mkdir(path.dirname(file), { recursive: true })
                    .then(() => writeFile(file, text))
                    .then(() => true, (error) => {
                    io.err(`joulegate: could not write ${file}: ${error.message}`);
                    return false;
                });
            }
            // the notices printed while it ran are in the file, not repeated under the summary
            const unseen = measurement.notices?.filter((n) => !runner.printed(`joulegate: ${n}`));
            io.out(summarizeMeasurement({ ...measurement, notices: unseen }));
            if (written)
                io.err(`measurement written to ${file}${settings.out ? '' : ' (the default; --out FILE writes it elsewhere)'}`);
            return exitStatusOf(measurement, runner.signal.reason);
        }
        finally {
            runner.dispose();
        }
    }
};

export { DEFAULT_MEASUREMENT_FILE, measure };
