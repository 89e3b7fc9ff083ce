import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { constants } from 'node:fs';
import { writeFile, mkdtemp, stat, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve, join, basename, dirname } from 'node:path';
import { U as UsageError, d as describeBadValue } from './mod.js';
import { r as readJsonFile } from './read-json-file.js';
import { n as normalizeMeasurement } from './normalize2.js';
import { v as validateCalibration, c as calibrationKindOf } from './calibration-codec.js';

/** The per-node breakdown of a cluster measurement, in node order; empty without node labels. */
function summariseNodes(components) {
    const nodes = new Map();
    for (const c of components) {
        if (!c.host)
            continue;
        const n = nodes.get(c.host) ?? {
            host: c.host,
            gpus: 0,
            models: '',
            energyJ: 0,
            minCoverage: null,
            names: new Map()
        };
        n.energyJ += c.energyJ;
        if (c.kind === 'gpu') {
            n.gpus++;
            n.names.set(c.name, (n.names.get(c.name) ?? 0) + 1);
        }
        if (c.coverage !== undefined)
            n.minCoverage = Math.min(n.minCoverage ?? 1, c.coverage);
        nodes.set(c.host, n);
    }
    return [...nodes.values()]
        .sort((a, b) => a.host.localeCompare(b.host, 'en', { numeric: true }))
        .map(({ names, ...n }) => ({
        ...n,
        models: [...names.entries()].map(([name, k]) => `${k} × ${name}`).join(', ')
    }));
}

// Annual average carbon intensity of electricity generation, gCO2e/kWh, year 2023.
// Dataset: "Carbon intensity of electricity generation", Our World in Data, data from Ember and the
// Energy Institute (ourworldindata.org/grapher/carbon-intensity-electricity, table view, 2023
// column). World, Norway, Poland and Sweden: Ember's 2023 figures (Ember, Global Electricity Review 2024, as
// quoted by Statista). Countries whose 2023 value could not be read from these sources are left
// out rather than guessed; set `carbon-intensity` to a number for them.
const CARBON_DATASET = 'Ember and Energy Institute via Our World in Data, "Carbon intensity of electricity generation"';
const CARBON_YEAR = 2023;
const WORLD_INTENSITY = {
    name: 'World average',
    gramsPerKwh: 481
};
const CARBON_INTENSITY_2023 = [
    { alpha2: 'AR', alpha3: 'ARG', name: 'Argentina', gramsPerKwh: 354 },
    { alpha2: 'AU', alpha3: 'AUS', name: 'Australia', gramsPerKwh: 549 },
    { alpha2: 'AT', alpha3: 'AUT', name: 'Austria', gramsPerKwh: 111 },
    { alpha2: 'BD', alpha3: 'BGD', name: 'Bangladesh', gramsPerKwh: 691 },
    { alpha2: 'BE', alpha3: 'BEL', name: 'Belgium', gramsPerKwh: 138 },
    { alpha2: 'BO', alpha3: 'BOL', name: 'Bolivia', gramsPerKwh: 532 },
    { alpha2: 'BA', alpha3: 'BIH', name: 'Bosnia and Herzegovina', gramsPerKwh: 600 },
    { alpha2: 'BR', alpha3: 'BRA', name: 'Brazil', gramsPerKwh: 98 },
    { alpha2: 'BG', alpha3: 'BGR', name: 'Bulgaria', gramsPerKwh: 335 },
    { alpha2: 'CA', alpha3: 'CAN', name: 'Canada', gramsPerKwh: 170 },
    { alpha2: 'CL', alpha3: 'CHL', name: 'Chile', gramsPerKwh: 291 },
    { alpha2: 'CN', alpha3: 'CHN', name: 'China', gramsPerKwh: 582 },
    { alpha2: 'CO', alpha3: 'COL', name: 'Colombia', gramsPerKwh: 260 },
    { alpha2: 'CR', alpha3: 'CRI', name: 'Costa Rica', gramsPerKwh: 53 },
    { alpha2: 'HR', alpha3: 'HRV', name: 'Croatia', gramsPerKwh: 205 },
    { alpha2: 'CY', alpha3: 'CYP', name: 'Cyprus', gramsPerKwh: 534 },
    { alpha2: 'CZ', alpha3: 'CZE', name: 'Czechia', gramsPerKwh: 450 },
    { alpha2: 'DK', alpha3: 'DNK', name: 'Denmark', gramsPerKwh: 152 },
    { alpha2: 'EC', alpha3: 'ECU', name: 'Ecuador', gramsPerKwh: 150 },
    { alpha2: 'EG', alpha3: 'EGY', name: 'Egypt', gramsPerKwh: 570 },
    { alpha2: 'SV', alpha3: 'SLV', name: 'El Salvador', gramsPerKwh: 271 },
    { alpha2: 'EE', alpha3: 'EST', name: 'Estonia', gramsPerKwh: 417 },
    { alpha2: 'FI', alpha3: 'FIN', name: 'Finland', gramsPerKwh: 79 },
    { alpha2: 'FR', alpha3: 'FRA', name: 'France', gramsPerKwh: 56 },
    { alpha2: 'GE', alpha3: 'GEO', name: 'Georgia', gramsPerKwh: 168 },
    { alpha2: 'DE', alpha3: 'DEU', name: 'Germany', gramsPerKwh: 381 },
    { alpha2: 'GR', alpha3: 'GRC', name: 'Greece', gramsPerKwh: 337 },
    { alpha2: 'HU', alpha3: 'HUN', name: 'Hungary', gramsPerKwh: 204 },
    { alpha2: 'IN', alpha3: 'IND', name: 'India', gramsPerKwh: 713 },
    { alpha2: 'IR', alpha3: 'IRN', name: 'Iran', gramsPerKwh: 655 },
    { alpha2: 'IE', alpha3: 'IRL', name: 'Ireland', gramsPerKwh: 291 },
    { alpha2: 'NO', alpha3: 'NOR', name: 'Norway', gramsPerKwh: 30 },
    // Poland and Sweden: Ember's 2023 EU figures (lifecycle, as quoted by Statista)
    { alpha2: 'PL', alpha3: 'POL', name: 'Poland', gramsPerKwh: 662 },
    { alpha2: 'SE', alpha3: 'SWE', name: 'Sweden', gramsPerKwh: 40.7 }
];

// gCO2e = kWh × PUE × grid intensity. The intensity is a number from the settings, or a country's
// annual average from the shipped table, or the world average when nothing is set.
const CARBON_SETTING = 'carbon-intensity';
/** Resolves the carbon-intensity setting; an unknown country code is a UsageError. */
function resolveCarbonIntensity(setting) {
    if (setting === null) {
        return {
            gramsPerKwh: WORLD_INTENSITY.gramsPerKwh,
            origin: 'world',
            label: WORLD_INTENSITY.name,
            dataset: CARBON_DATASET,
            year: CARBON_YEAR
        };
    }
    if (typeof setting === 'number') {
        if (!Number.isFinite(setting) || setting < 0) {
            throw new UsageError(describeBadValue(CARBON_SETTING, setting, 'a number of gCO2e/kWh ≥ 0, or an ISO country code'));
        }
        return {
            gramsPerKwh: setting,
            origin: 'setting',
            label: 'user setting',
            dataset: null,
            year: null
        };
    }
    const code = setting.trim().toUpperCase();
    const row = CARBON_INTENSITY_2023.find((r) => r.alpha2 === code || r.alpha3 === code);
    if (!row) {
        const known = CARBON_INTENSITY_2023.map((r) => r.alpha2).join(', ');
        throw new UsageError(describeBadValue(CARBON_SETTING, setting, `a number of gCO2e/kWh, or an ISO 3166 country code in the shipped ${CARBON_YEAR} table (${known}; alpha-3 codes too)`));
    }
    return {
        gramsPerKwh: row.gramsPerKwh,
        origin: 'table',
        label: `${row.name} (${row.alpha2})`,
        dataset: CARBON_DATASET,
        year: CARBON_YEAR
    };
}
function computeCarbon(kwh, pue, intensity) {
    return { grams: kwh * pue * intensity.gramsPerKwh, kwh, pue, intensity, method: 'estimate' };
}
/** "481 gCO2e/kWh, World average (Ember and Energy Institute via …, 2023)" */
function describeIntensity(i) {
    const source = i.dataset ? ` (${i.dataset}, ${i.year})` : '';
    return `${i.gramsPerKwh} gCO2e/kWh, ${i.label}${source}`;
}

// Finds the two calibrations normalisation needs (this runner's, the reference's) and applies
// them. Missing calibration is not an error: the report then compares measured energy and says so.
async function readCalibrationFile(cwd, file, what) {
    return validateCalibration(await readJsonFile(resolve(cwd, file), what), file);
}
/**
 * The runner's calibration from the store: the newest full one. A quick (smoke-run) calibration
 * that an older version stored as the latest is passed over, never used to normalise.
 */
async function readStoredCalibration(fingerprint, store, notes) {
    const latest = await store.readCalibration(fingerprint);
    if (!latest || calibrationKindOf(latest) !== 'quick')
        return latest;
    const time = (c) => Date.parse(c.createdAt) || 0;
    const usable = (await store.readCalibrationLog(fingerprint))
        .filter((c) => calibrationKindOf(c) !== 'quick')
        .sort((a, b) => time(a) - time(b));
    const chosen = usable[usable.length - 1] ?? null;
    notes.push(`the newest calibration of this runner in ${store.description} is a quick one (a smoke run); ${chosen ? `used the full one of ${chosen.createdAt}` : 'no full one exists'}`);
    return chosen;
}
async function findCalibrations(fingerprint, sources) {
    const notes = [];
    const local = sources.localFile
        ? await readCalibrationFile(sources.cwd, sources.localFile, 'calibration')
        : await readStoredCalibration(fingerprint, sources.store, notes);
    const reference = sources.referenceFile
        ? await readCalibrationFile(sources.cwd, sources.referenceFile, 'reference-calibration')
        : null;
    if (!local)
        notes.push(`no calibration for this runner (fingerprint ${fingerprint}) in ${sources.store.description}: run mode calibrate (or joulegate calibrate) to compare across hardware`);
    if (!reference)
        notes.push('no reference calibration configured: energies are compared as measured on this runner, not on a reference scale');
    return { local, reference, notes };
}
/** The measurement on the reference scale, or null with the reason when it cannot be computed. */
function normalizeWith(m, pair) {
    if (!pair.local || !pair.reference)
        return { normalization: null, note: null };
    if (m.energyJ <= 0 || m.durationS <= 0)
        return { normalization: null, note: 'the run measured no energy, so it was not normalised' };
    try {
        const r = normalizeMeasurement(pair.local, pair.reference, {
            ...(m.family === undefined ? {} : { family: m.family }),
            energyJ: m.energyJ,
            durationS: m.durationS,
            components: m.components.map((c) => ({
                kind: c.kind,
                energyJ: c.energyJ,
                meanPowerW: c.meanPowerW,
                powerLimitW: c.powerLimitW ?? null,
                method: c.method
            })),
            metrics: m.metrics
        });
        const normalization = {
            normalizedEnergyJ: r.normalizedEnergyJ,
            interval: r.interval,
            model: r.model,
            looError: r.looError,
            pointsUsed: r.pointsUsed,
            reference: r.reference,
            ...(r.evidence === undefined ? {} : { evidence: r.evidence }),
            family: r.family ?? null,
            anchored: r.anchored ?? false
        };
        // every normalised figure says what it rests on (anchor, suite points, model, LOO error)
        const note = [`normalised energy rests on: ${r.evidence}`, ...r.notices].join('; ');
        return { normalization, note };
    }
    catch (error) {
        return { normalization: null, note: `not normalised: ${error.message}` };
    }
}

// Everything a run will need at its end, checked before the training starts: a bad output path,
// carbon intensity or calibration file found after an hour of training would cost the whole run.
// Used by the CLI (measure, check) and the action (check, record); a write that fails at the end
// anyway keeps the text in a temporary file and says where.
async function statOrNull(path) {
    try {
        return await stat(path);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return null;
        throw error;
    }
}
async function isWritable(path) {
    try {
        await access(path, constants.W_OK);
        return true;
    }
    catch {
        return false;
    }
}
/** Why `target` could not be written, or null when it can. */
async function findWriteProblem(target) {
    const path = resolve(target.path);
    const existing = await statOrNull(path);
    if (existing?.isDirectory())
        return 'it is a directory';
    if (existing)
        return (await isWritable(path)) ? null : 'it is not writable';
    let folder = dirname(path);
    let folderStat = await statOrNull(folder);
    if (!folderStat && !target.createsFolders)
        return `its folder ${folder} does not exist`;
    while (!folderStat && dirname(folder) !== folder) {
        folder = dirname(folder);
        folderStat = await statOrNull(folder);
    }
    if (!folderStat)
        return `no folder above it exists`;
    if (!folderStat.isDirectory())
        return `${folder} is not a directory`;
    return (await isWritable(folder)) ? null : `its folder ${folder} is not writable`;
}
/**
 * Throws UsageError naming every problem at once: output files that cannot be written, a carbon
 * intensity that names no known grid, calibration files that are missing or invalid.
 */
async function runPreflight(settings, options) {
    const problems = [];
    for (const target of options.outputs) {
        const why = await findWriteProblem(target).catch((e) => e.message);
        if (why)
            problems.push(describeBadValue(target.input, target.path, `a file joulegate can write (${why})`));
    }
    const attempt = async (check) => {
        try {
            await check();
        }
        catch (error) {
            if (!(error instanceof UsageError))
                throw error;
            problems.push(error.message);
        }
    };
    if (settings) {
        await attempt(() => resolveCarbonIntensity(settings.carbonIntensity));
        if (settings.calibration)
            await attempt(() => readCalibrationFile(options.root, settings.calibration, 'calibration'));
        if (settings.referenceCalibration)
            await attempt(() => readCalibrationFile(options.root, settings.referenceCalibration, 'reference-calibration'));
    }
    if (problems.length > 0)
        throw new UsageError(`${problems.join('\n')}\n(checked before running the command: nothing ran)`);
}
/**
 * Writes `text` to `path`; when that fails after all (the disk filled, the folder was removed
 * during the run), keeps it in a fresh temporary file (joulegate-kept-*) and says where, so an
 * hour of training is not lost. Returns where it went, and whether that is the kept copy.
 */
async function writeOrKeep(path, text, what, log) {
    try {
        await writeFile(path, text);
        return { path, kept: false };
    }
    catch (error) {
        const reason = error.code ?? error.message;
        const dir = await mkdtemp(join(tmpdir(), 'joulegate-kept-'));
        const kept = join(dir, basename(path) || 'output');
        await writeFile(kept, text);
        log(`joulegate: could not write the ${what} to ${path} (${reason}); kept it in ${kept}`);
        return { path: kept, kept: true };
    }
}

export { resolveCarbonIntensity as a, computeCarbon as c, describeIntensity as d, findCalibrations as f, normalizeWith as n, runPreflight as r, summariseNodes as s, writeOrKeep as w };
