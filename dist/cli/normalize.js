import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { m as markdownTable, r as readJsonFile } from './read-json-file.js';
import { e as formatSig, t as toKwh } from './format.js';
import { U as UsageError, d as describeBadValue } from './mod.js';
import { A as AUTOMATIC_MODEL, M as MODEL_NAMES, n as normalizeMeasurement, N as NormalizationError } from './normalize2.js';
import { M as MEASUREMENT_SCHEMA, U as UNIT_TOLERANCE, v as validateCalibration } from './calibration-codec.js';
import { C as COMMON, c as choiceOf, a as nameLike, w as withHelp } from './flags.js';
import 'node:fs/promises';
import './ajv.js';
import 'node:util';

// Schema and unit checks for the measurement normalisation reads (calibrations: calibration-codec).
// Every refusal names the file, the field, the value and what was expected, because these files
// are written by hand or by scripts.
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (file, field, value, expected) => new UsageError(`${file}: ${describeBadValue(field, value, expected)}`);
function readPositive(file, obj, field, path) {
    const v = obj[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
        throw bad(file, path, v, 'a finite number > 0');
    return v;
}
function readComponent(file, raw, i, durationS) {
    const at = `components[${i}]`;
    if (!isObject(raw))
        throw bad(file, at, raw, 'an object');
    if (typeof raw.kind !== 'string')
        throw bad(file, `${at}.kind`, raw.kind, '"gpu" | "cpu" | "ram" | "other"');
    const num = (field, allowZero) => {
        const v = raw[field];
        if (v === undefined || v === null)
            return null;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
            throw bad(file, `${at}.${field}`, v, allowZero ? 'a finite number >= 0' : 'a finite number > 0');
        return v;
    };
    const component = {
        kind: raw.kind,
        energyJ: num('energyJ', true),
        meanPowerW: num('meanPowerW', true),
        powerLimitW: num('powerLimitW', false),
        ...(typeof raw.method === 'string' ? { method: raw.method } : {})
    };
    if (component.energyJ !== null && component.meanPowerW !== null) {
        const expected = component.meanPowerW * durationS;
        const slack = UNIT_TOLERANCE * Math.max(expected, component.energyJ) + 1;
        if (Math.abs(component.energyJ - expected) > slack)
            throw bad(file, `${at}.energyJ`, component.energyJ, `about meanPowerW × durationS = ${expected.toFixed(1)} J (±${UNIT_TOLERANCE * 100}%; units do not add up)`);
    }
    return component;
}
/** Checks the fields of a measurement file that normalisation uses; other fields pass through. */
function validateMeasurement(json, fileName) {
    if (!isObject(json))
        throw bad(fileName, 'measurement', json, 'a JSON object');
    if (json.schema !== undefined && json.schema !== MEASUREMENT_SCHEMA)
        throw bad(fileName, 'schema', json.schema, JSON.stringify(MEASUREMENT_SCHEMA));
    const energyJ = readPositive(fileName, json, 'energyJ', 'energyJ');
    const durationS = readPositive(fileName, json, 'durationS', 'durationS');
    const rawComponents = json.components ?? [];
    if (!Array.isArray(rawComponents))
        throw bad(fileName, 'components', rawComponents, 'an array');
    const components = rawComponents.map((c, i) => readComponent(fileName, c, i, durationS));
    const parts = components.reduce((s, c) => s + (c.energyJ ?? 0), 0);
    if (parts > energyJ * (1 + UNIT_TOLERANCE) + 1)
        throw bad(fileName, 'energyJ', energyJ, `at least the components' sum ${parts.toFixed(1)} J`);
    const metrics = {};
    if (isObject(json.metrics)) {
        for (const key of ['flops', 'params', 'macs']) {
            const v = json.metrics[key];
            if (v === undefined || v === null)
                continue;
            if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
                throw bad(fileName, `metrics.${key}`, v, 'a finite number > 0');
            metrics[key] = v;
        }
    }
    const family = json.family;
    if (family !== undefined && family !== null && (typeof family !== 'string' || !/\S/.test(family)))
        throw bad(fileName, 'family', family, 'a non-empty workload family name');
    return {
        energyJ,
        durationS,
        components,
        metrics,
        ...(typeof family === 'string' ? { family } : {})
    };
}

// The normalize view: measured energy put on a reference host's scale, as markdown. The
// normalised figure is an estimate and says so in its column and its head line.
const kwh = (j) => formatSig(toKwh(j));
/** One row per measurement file on the reference scale, then each file's evidence and notices. */
function formatNormalizeTable(files, results) {
    const rows = results.map((r, i) => [
        files[i],
        `${r.energyJ.toFixed(0)} J`,
        `${r.normalizedEnergyJ.toFixed(0)} J (${kwh(r.normalizedEnergyJ)} kWh)`,
        `${r.interval[0].toFixed(0)}–${r.interval[1].toFixed(0)} J`,
        r.model,
        `${(r.looError * 100).toFixed(1)}%`,
        String(r.pointsUsed.length)
    ]);
    const table = markdownTable([
        [
            'measurement',
            'measured',
            'normalised (estimate)',
            '80% interval',
            'model',
            'LOO error',
            'points'
        ],
        ...rows
    ]);
    const notes = results.flatMap((r, i) => [`evidence: ${r.evidence ?? ''}`, ...r.notices].map((n) => `- ${files[i]}: ${n}`));
    const head = `Energy on the reference scale of ${results[0]?.reference ?? '?'} (method: estimate).`;
    return [head, '', table, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

// joulegate normalize --local CAL --reference CAL --measurement FILE [--measurement FILE ...] [--json]
const normalize = {
    name: 'normalize',
    summary: "express a measurement on a reference host's scale (an estimate with its interval)",
    usage: 'joulegate normalize --local CAL --reference CAL --measurement FILE [--measurement FILE ...] [--json]',
    flags: [
        {
            name: 'local',
            type: 'string',
            value: 'CAL',
            field: 'local',
            help: 'calibration (joulegate.calibration/v1) of the host the measurements ran on'
        },
        {
            name: 'reference',
            type: 'string',
            value: 'CAL',
            field: 'reference',
            help: 'calibration of the reference host whose scale the energy is expressed on'
        },
        {
            name: 'measurement',
            type: 'string',
            value: 'FILE',
            multiple: true,
            field: 'measurements',
            help: 'a measurement (joulegate.measurement/v1); repeat for several'
        },
        {
            name: 'model',
            type: 'string',
            value: 'NAME',
            field: 'model',
            parse: choiceOf(MODEL_NAMES, `one of ${MODEL_NAMES.join(', ')}`),
            help: `force one model (${MODEL_NAMES.join(', ')}); default: ${AUTOMATIC_MODEL}`
        },
        {
            name: 'baseline',
            type: 'string',
            value: 'WORKLOAD',
            field: 'baseline',
            help: "the single-ratio model's baseline workload (default: the first shared one)"
        },
        {
            ...COMMON.family,
            parse: nameLike('a workload family name', /\S/),
            help: 'the measurements\' workload family (default: each measurement\'s "family"):\na calibration point of that family on both hosts anchors the estimate'
        },
        {
            name: 'allow-quick',
            type: 'boolean',
            field: 'allowQuick',
            help: 'use a quick (smoke-run) calibration anyway (alias --force)'
        },
        {
            name: 'force',
            type: 'boolean',
            field: 'allowQuick',
            hidden: true,
            help: 'alias of --allow-quick'
        },
        withHelp(COMMON.json, 'print a JSON array, one object per measurement')
    ],
    notes: `Normalised energy is an estimate (a model fitted on the workloads both calibrations share), shown
with its 80% interval from leave-one-out residuals.`,
    run: runNormalize
};
async function runNormalize(...[settings, io]) {
    const { local: localFile, reference: referenceFile, model, baseline, family, allowQuick } = settings;
    const measurementFiles = settings.measurements;
    if (!localFile)
        throw new UsageError(describeBadValue('--local', null, 'a calibration file'));
    if (!referenceFile)
        throw new UsageError(describeBadValue('--reference', null, 'a calibration file'));
    if (measurementFiles.length === 0)
        throw new UsageError(describeBadValue('--measurement', null, 'at least one measurement file'));
    if (settings.positionals.length > 0)
        throw new UsageError(describeBadValue('normalize argument', settings.positionals[0], 'only --flags'));
    const local = validateCalibration(await readJsonFile(localFile, 'calibration'), localFile);
    const reference = validateCalibration(await readJsonFile(referenceFile, 'calibration'), referenceFile);
    const results = [];
    for (const file of measurementFiles) {
        const measurement = validateMeasurement(await readJsonFile(file, 'measurement'), file);
        try {
            results.push(normalizeMeasurement(local, reference, measurement, {
                ...(model === null ? {} : { model: model }),
                ...(baseline === null ? {} : { baseline }),
                ...(family === null ? {} : { family }),
                allowQuick
            }));
        }
        catch (error) {
            // errors about the calibrations' shared workloads are not the measurement file's fault
            if (error instanceof NormalizationError)
                throw error;
            if (error instanceof UsageError)
                throw new UsageError(`${file}: ${error.message}`);
            throw error;
        }
    }
    if (settings.json) {
        const out = results.map((r, i) => ({ measurement: measurementFiles[i], ...r }));
        io.out(JSON.stringify(out, null, 2));
    }
    else {
        io.out(formatNormalizeTable(measurementFiles, results));
    }
    return 0;
}

export { normalize };
