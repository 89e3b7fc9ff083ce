import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
const JOULES_PER_KWH = 3_600_000;
const toKwh = (joules) => joules / JOULES_PER_KWH;
/** Significant figures written out in full: a reviewer never has to decode `6.24e-5`. */
function formatSig(x, digits = 3) {
    if (!Number.isFinite(x))
        return String(x);
    if (x === 0)
        return '0';
    return x.toLocaleString('en-US', { maximumSignificantDigits: digits, useGrouping: false });
}
const ENERGY_UNITS = [
    [3.6e9, 'MWh'],
    [3.6e6, 'kWh'],
    [3.6e3, 'Wh']
];
/**
 * Energy scaled for people (J, Wh, kWh, MWh, 3 significant figures): a laptop test run reads in
 * joules, a cluster job in kWh or MWh. Every view (terminal, comment, summary, dashboard) uses it.
 */
function formatEnergy(joules, digits = 3) {
    const { unit, joulesPerUnit } = chooseEnergyUnit(joules);
    return `${formatSig(joules / joulesPerUnit, digits)} ${unit}`;
}
/** The unit formatEnergy writes `joules` in; a chart takes its largest value's for its axis. */
function chooseEnergyUnit(joules) {
    const abs = Math.abs(joules);
    for (const [scale, unit] of ENERGY_UNITS) {
        if (abs >= scale)
            return { unit, joulesPerUnit: scale };
    }
    return { unit: 'J', joulesPerUnit: 1 };
}
/** The same scaling for figures the verdict keeps in kWh (budgets are written in kWh). */
const formatKwh = (kwh) => formatEnergy(kwh * JOULES_PER_KWH);
/** A change, always signed: "+35.0%", "−4.2%", "0.0%". */
function formatPercent(fraction, digits = 1) {
    const v = fraction * 100;
    const s = Math.abs(v).toFixed(digits);
    if (Number(s) === 0)
        return `${(0).toFixed(digits)}%`;
    return `${v > 0 ? '+' : '−'}${s}%`;
}
/** A share of a whole (coverage, a coefficient of variation), never signed: "98.5%". */
function formatShare(fraction, digits = 1) {
    return `${(fraction * 100).toFixed(digits)}%`;
}
function formatInterval(iv, fmt) {
    return `${fmt(iv[0])} to ${fmt(iv[1])}`;
}
/** "12.3 s", "4 min 12 s", "2 h 5 min": how long a person would say a run took. */
function formatDuration(seconds) {
    if (seconds < 60)
        return `${formatSig(seconds)} s`;
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = Math.round(seconds % 60);
    return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
}
function formatWatts(watts) {
    return watts === null || watts === undefined ? '—' : `${formatSig(watts)} W`;
}
const formatGrams = (g) => `${formatSig(g)} gCO2e`;
/** Large counts (params, MACs, FLOPs) with an SI suffix. */
function formatCount(x) {
    const abs = Math.abs(x);
    for (const [f, s] of [
        [1e15, 'P'],
        [1e12, 'T'],
        [1e9, 'G'],
        [1e6, 'M'],
        [1e3, 'k']
    ]) {
        if (abs >= f)
            return `${formatSig(x / f)}${s}`;
    }
    return formatSig(x);
}
/** How a figure was obtained, in words a reader understands at a glance. */
function describeMethod(method) {
    switch (method) {
        case 'counter':
            return 'hardware counter';
        case 'power-integration':
            return 'integrated power';
        case 'estimate':
            return 'estimate (no sensor)';
        default:
            return method;
    }
}

export { JOULES_PER_KWH as J, formatWatts as a, formatShare as b, formatDuration as c, describeMethod as d, formatSig as e, formatEnergy as f, formatKwh as g, formatPercent as h, formatInterval as i, formatGrams as j, chooseEnergyUnit as k, formatCount as l, toKwh as t };
