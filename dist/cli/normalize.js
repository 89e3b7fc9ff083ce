import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { m as markdownTable } from './index.js';
import { e as formatSig, t as toKwh } from './format.js';
import { U as UsageError, d as describeBadValue } from './mod.js';
import { A as AUTOMATIC_MODEL, M as MODEL_NAMES, n as normalizeMeasurement, N as NormalizationError } from './normalize2.js';
import { d as describeSchemaError, U as UNIT_TOLERANCE, M as MEASUREMENT_SCHEMA, v as validateCalibration } from './calibration-codec.js';
import { a as ajvExports } from './ajv.js';
import { r as readJsonFile } from './read-json-file.js';
import { C as COMMON, c as choiceOf, n as nameLike, w as withHelp } from './flags.js';
import 'node:fs/promises';
import 'node:util';

// The one reader of joulegate.measurement/v1: `normalize` reads measurement files with it, and
// mode `report` checks the measured run inside an untrusted result file with it, so both accept
// the same shapes. Structure is one JSON schema (Ajv), read for one of two uses:
// - 'normalize': a file a person or a script may have written by hand; only what normalisation
//   reads must be there (energy and duration above zero), and its units must add up;
// - 'record': the run joulegate measured, as a result file carries it; every field the contract
//   requires must be there, with at least one component.
// Fields this reader does not know pass through (more are welcome).
// `expected` is ours (Ajv ignores it in non-strict mode): the wording of the error a user reads.
const text = { type: 'string', maxLength: 10_000, expected: 'a string' };
const atLeastZero = { type: 'number', minimum: 0, expected: 'a finite number >= 0' };
const aboveZero = { type: 'number', exclusiveMinimum: 0, expected: 'a finite number > 0' };
const orNull = (s) => ({ ...s, type: [s.type, 'null'] });
// the metrics normalisation uses as regressors (metrics protocol, reserved keys)
const REGRESSORS = ['flops', 'params', 'macs'];
/** The fields every use reads alike; each use adds what it requires. */
function componentSchema(use) {
    return {
        type: 'object',
        expected: 'an object',
        required: use === 'record' ? ['id', 'kind', 'name', 'method', 'source', 'energyJ'] : ['kind'],
        properties: {
            id: text,
            kind: { enum: ['gpu', 'cpu', 'ram', 'other'], expected: '"gpu" | "cpu" | "ram" | "other"' },
            name: text,
            method: {
                enum: ['counter', 'power-integration', 'estimate'],
                expected: '"counter" | "power-integration" | "estimate"'
            },
            source: text,
            energyJ: use === 'record' ? atLeastZero : orNull(atLeastZero),
            meanPowerW: orNull(atLeastZero),
            // normalisation scales by the power limit: there an unknown one is absent, never 0
            powerLimitW: orNull(aboveZero )
        }
    };
}
function measurementSchema(use) {
    // normalisation divides by both and refuses a run that used no energy
    const positiveForNormalize = use === 'normalize' ? aboveZero : atLeastZero;
    const regressor = orNull(aboveZero );
    return {
        type: 'object',
        expected: 'a JSON object',
        // the schema id first: a calibration given where a measurement belongs is told so
        allOf: [
            {
                properties: {
                    schema: { const: MEASUREMENT_SCHEMA, expected: JSON.stringify(MEASUREMENT_SCHEMA) }
                }
            }
        ],
        required: use === 'record'
            ? ['schema', 'command', 'exitCode', 'startedAt', 'durationS', 'energyJ'].concat([
                'components',
                'metrics',
                'progress',
                'host'
            ])
            : ['energyJ', 'durationS'],
        properties: {
            command: text,
            exitCode: { type: ['integer', 'null'], expected: 'an integer or null' },
            interrupted: { type: 'boolean', expected: 'true or false' },
            startedAt: text,
            durationS: positiveForNormalize,
            energyJ: positiveForNormalize,
            idlePowerW: { type: ['number', 'null'], expected: 'a number or null' },
            netEnergyJ: { type: ['number', 'null'], expected: 'a number or null' },
            components: {
                type: 'array',
                expected: use === 'record' ? 'a non-empty array of components' : 'an array',
                ...({}),
                items: componentSchema(use)
            },
            metrics: {
                type: 'object',
                expected: 'an object of numbers',
                properties: Object.fromEntries(REGRESSORS.map((k) => [k, regressor])),
                ...({})
            },
            progress: {
                type: 'array',
                expected: 'an array',
                items: {
                    type: 'object',
                    expected: 'an object { elapsedS, energyJ, values }',
                    required: ['elapsedS', 'energyJ', 'values'],
                    properties: {
                        elapsedS: { type: 'number', expected: 'a number' },
                        energyJ: atLeastZero,
                        values: { type: 'object', expected: 'an object' }
                    }
                }
            },
            host: {
                type: 'object',
                expected: 'an object with fingerprint',
                ...({}),
                properties: { fingerprint: text }
            },
            family: {
                type: ['string', 'null'],
                pattern: '\\S',
                expected: 'a non-empty workload family name'
            }
        }
    };
}
// Compiled on first use: nothing runs at import time.
const validators = new Map();
function getValidator(use) {
    let validator = validators.get(use);
    if (!validator) {
        const ajv = new ajvExports.Ajv({ allErrors: false, strict: false, strictNumbers: true, verbose: true });
        validator = ajv.compile(measurementSchema(use));
        validators.set(use, validator);
    }
    return validator;
}
/**
 * The first way `json` is not a measurement for this use, as Ajv reports it (its instancePath,
 * its data, and its parent schema's `expected`); null when it is one.
 */
function findMeasurementProblem(json, use) {
    const validate = getValidator(use);
    return validate(json) ? null : validate.errors[0];
}
/** What a schema cannot say: the units add up (normalisation fits power × time). */
function findUnitProblem(m) {
    for (const [i, c] of m.components.entries()) {
        if (c.energyJ === null || c.meanPowerW === null)
            continue;
        const expected = c.meanPowerW * m.durationS;
        const slack = UNIT_TOLERANCE * Math.max(expected, c.energyJ) + 1;
        if (Math.abs(c.energyJ - expected) > slack)
            return describeBadValue(`components[${i}].energyJ`, c.energyJ, `about meanPowerW × durationS = ${expected.toFixed(1)} J (±${UNIT_TOLERANCE * 100}%; units do not add up)`);
    }
    const parts = m.components.reduce((s, c) => s + (c.energyJ ?? 0), 0);
    if (parts > m.energyJ * (1 + UNIT_TOLERANCE) + 1)
        return describeBadValue('energyJ', m.energyJ, `at least the components' sum ${parts.toFixed(1)} J`);
    return null;
}
/**
 * Checks a measurement file for normalisation and returns what normalisation reads; other fields
 * pass through unread. Throws UsageError "FILE: FIELD: got VALUE, expected WHAT".
 */
function validateMeasurement(json, fileName) {
    const problem = findMeasurementProblem(json, 'normalize');
    if (problem)
        throw new UsageError(`${fileName}: ${describeSchemaError('measurement', problem)}`);
    const raw = json;
    const orNullValue = (v) => (typeof v === 'number' ? v : null);
    const components = (raw.components ?? []).map((c) => ({
        kind: c.kind,
        energyJ: orNullValue(c.energyJ),
        meanPowerW: orNullValue(c.meanPowerW),
        powerLimitW: orNullValue(c.powerLimitW),
        ...(typeof c.method === 'string' ? { method: c.method } : {})
    }));
    const given = (raw.metrics ?? {});
    const metrics = {};
    for (const key of REGRESSORS)
        if (typeof given[key] === 'number')
            metrics[key] = given[key];
    const m = {
        energyJ: raw.energyJ,
        durationS: raw.durationS,
        components,
        metrics,
        ...(typeof raw.family === 'string' ? { family: raw.family } : {})
    };
    const unitProblem = findUnitProblem(m);
    if (unitProblem)
        throw new UsageError(`${fileName}: ${unitProblem}`);
    return m;
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
