import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { d as describeTotalMethod, g as computeRepeatStats, n as netEnergy, h as runMeasurement } from './measure-runner.js';
import { r as runGitRaw, h as hideUserinfo, e as readFileAt } from './git.js';
import { a as DEFAULTS, U as UsageError } from './mod.js';
import { d as describeSkippedLines } from './folder-backend.js';
import { t as tQuantile, n as normalQuantile, p as projectFromProgress, E as EMPTY_BUDGET, a as parseBudget } from './parse-budget.js';
import { a as CHECK_RESULT_SCHEMA, R as RESULT_SCHEMA } from './calibration-codec.js';
import { a as resolveCarbonIntensity, c as computeCarbon, d as describeIntensity, s as summariseNodes, r as runPreflight, f as findCalibrations, n as normalizeWith } from './preflight.js';
import { h as formatPercent, e as formatSig, g as formatKwh, i as formatInterval, j as formatGrams, J as JOULES_PER_KWH, t as toKwh, k as chooseEnergyUnit, c as formatDuration, l as formatCount, b as formatShare, f as formatEnergy } from './format.js';
import { m as markdownTable } from './index.js';
import { R as RESERVED_METRIC_KEYS } from './metrics-protocol.js';
import { p as pickDefaultMetric, a as analyseCurve, d as describeCurve } from './curve2.js';
import { realpath, readFile } from 'node:fs/promises';
import { relative as relative$1, isAbsolute, sep, resolve } from 'node:path';

// How sure are we that energy changed, and by how much? Everything is done on the log of the mean
// energy, so the interval is for the ratio run/base and stays positive; the relative noise (cv) of
// a mean of n runs is cv/sqrt(n) on that scale (delta method).
// simple-statistics' probit is off by ~3e-3 at 0.975; stdlib's is exact to double precision
const zQuantile = (p) => normalQuantile(p, 0, 1);
/** Two-sided level of every interval the gate decides on: each bound is a one-sided 97.5% bound. */
const DECISION_CONFIDENCE = 0.95;
/** The noise assumed for a single run when the runner has no calibration and none was supplied. */
const DEFAULT_NOISE_CV = 0.05;
/**
 * The runner's noise floor from calibration: the largest cv among the calibration points that
 * report one (the worst case of the reference workloads), or null when none does.
 */
function noiseFloorFromCalibration(points) {
    const cvs = points
        .map((p) => p.cv)
        .filter((cv) => typeof cv === 'number' && Number.isFinite(cv) && cv >= 0);
    return cvs.length === 0 ? null : { cv: Math.max(...cvs), source: 'calibration' };
}
const pct = (x) => `${(x * 100).toFixed(1)}%`;
function describeNoise(base, run, floor, method) {
    const sides = `base n=${base.n}, run n=${run.n}`;
    if (method === 'welch-t')
        return `Welch t-interval on the repeats' own spread (${sides}); no calibrated noise floor`;
    const origin = floor.source === 'default'
        ? `the default noise floor cv ${pct(floor.cv)} (no calibration: run \`calibrate\` or repeat both sides for a measured one)`
        : `the runner's noise floor cv ${pct(floor.cv)} from ${floor.source}`;
    return `normal interval with ${origin}; a side with repeats uses its own cv when larger (${sides})`;
}
/**
 * Confidence interval for the relative change in mean energy from base to run.
 * - With a measured noise floor (calibration or setting), each side's cv is max(own sample cv,
 *   floor): three repeats estimate a spread poorly, the calibrated floor is the better-known
 *   figure, and repeats may raise it but never lower it. The cv is then treated as known (normal
 *   quantile).
 * - With no measured floor and repeats on both sides: Welch's t-interval on the sample cvs.
 * - Otherwise the floor (default 5%) stands in for each single run's noise.
 * extraLogVar adds variance on the log scale (normalisation error when the sides ran on different
 * hosts).
 */
function compareEnergy(base, run, floorIn, extraLogVar = 0, confidence = DECISION_CONFIDENCE) {
    if (!(base.meanJ > 0) || !(run.meanJ > 0))
        throw new Error('compareEnergy: energies must be positive');
    const floor = floorIn ?? { cv: DEFAULT_NOISE_CV, source: 'default' };
    const d = Math.log(run.meanJ / base.meanJ);
    const own = (s) => s.n >= 2 && s.cv !== null && Number.isFinite(s.cv) ? s.cv : null;
    const baseOwn = own(base);
    const runOwn = own(run);
    const tail = 1 - (1 - confidence) / 2;
    let method = 'normal-known-noise';
    let baseCv = floor.source === 'default' || baseOwn === null
        ? (baseOwn ?? floor.cv)
        : Math.max(baseOwn, floor.cv);
    let runCv = floor.source === 'default' || runOwn === null
        ? (runOwn ?? floor.cv)
        : Math.max(runOwn, floor.cv);
    let df = null;
    let half;
    let se;
    const welch = floor.source === 'default' && baseOwn !== null && runOwn !== null && baseOwn + runOwn > 0;
    if (welch) {
        baseCv = baseOwn;
        runCv = runOwn;
        const vb = (baseCv * baseCv) / base.n;
        const vr = (runCv * runCv) / run.n;
        se = Math.sqrt(vb + vr + extraLogVar);
        df = (vb + vr) ** 2 / ((vb * vb) / (base.n - 1) + (vr * vr) / (run.n - 1));
        method = 'welch-t';
        half = tQuantile(tail, df) * se;
    }
    else {
        if (floor.source === 'default') {
            // a side with repeats but no partner with repeats: its own cv, never below the default
            baseCv = Math.max(baseCv, floor.cv);
            runCv = Math.max(runCv, floor.cv);
        }
        se = Math.sqrt((baseCv * baseCv) / base.n + (runCv * runCv) / run.n + extraLogVar);
        half = zQuantile(tail) * se;
    }
    const lo = Math.exp(d - half) - 1;
    const hi = Math.exp(d + half) - 1;
    const state = lo > 0 ? 'increase' : hi < 0 ? 'decrease' : 'no-detectable-change';
    return {
        ratio: Math.exp(d),
        change: Math.exp(d) - 1,
        interval: [lo, hi],
        confidence,
        method,
        df,
        seLog: se,
        baseCv,
        runCv,
        floor,
        state,
        noiseNote: describeNoise(base, run, floor, method)
    };
}
/**
 * A limit on a quantity known only within an interval: fail when even the interval's lower bound
 * is over the limit, pass when its upper bound is within it, inconclusive when the limit lies
 * inside the interval (the difference is within the noise).
 */
function decideAgainstLimit(interval, limit) {
    if (interval[0] > limit)
        return 'fail';
    if (interval[1] <= limit)
        return 'pass';
    return 'inconclusive';
}
/** log-scale standard deviation implied by an 80% interval [lo, hi] of a positive quantity. */
function logSdFromInterval80(interval) {
    const [lo, hi] = interval;
    if (!(lo > 0) || !(hi >= lo))
        return 0;
    return Math.log(hi / lo) / (2 * zQuantile(0.9));
}

const conf = (c) => `${Math.round(c.confidence * 100)}%`;
const est = (side) => side.isEstimate ? ` (${side.energyMethod ?? 'estimate'})` : '';
const noBaseline = (rule, limit, subject) => ({
    rule,
    ...(subject === undefined ? {} : { subject }),
    status: 'not-applicable',
    limit,
    actual: '—',
    explanation: 'no baseline to compare with'
});
function describeChange(c) {
    return `${formatPercent(c.change)} (${conf(c)} interval ${formatInterval(c.interval, formatPercent)})`;
}
function explainDecision(status, c, allowed, what) {
    if (status === 'fail')
        return `energy rose ${formatPercent(c.change)}; even the interval's lower bound ${formatPercent(c.interval[0])} exceeds the ${formatPercent(allowed)} ${what}`;
    if (status === 'pass')
        return `the interval's upper bound ${formatPercent(c.interval[1])} is within the ${formatPercent(allowed)} ${what}`;
    return `the ${formatPercent(allowed)} ${what} lies inside the interval: the difference is within the noise (repeat runs with --repeat 3, or calibrate the runner, to narrow it)`;
}
function checkEnergyKwh(ctx, cap) {
    const { run } = ctx;
    const limit = `≤ ${formatKwh(cap)}`;
    if (run.normalizedKwh !== null && run.normalizedIntervalKwh !== null) {
        const status = decideAgainstLimit(run.normalizedIntervalKwh, cap);
        const actual = `${formatKwh(run.normalizedKwh)} normalised (80% interval ${formatInterval(run.normalizedIntervalKwh, formatSig)})`;
        const why = status === 'inconclusive'
            ? 'the cap lies inside the normalisation interval'
            : status === 'fail'
                ? 'the whole normalisation interval is over the cap'
                : 'the whole normalisation interval is within the cap';
        return {
            rule: 'energy-kwh',
            status,
            limit,
            actual,
            explanation: `normalised energy of one run: ${why}`
        };
    }
    const status = run.measuredKwh > cap ? 'fail' : 'pass';
    return {
        rule: 'energy-kwh',
        status,
        limit,
        actual: `${formatKwh(run.measuredKwh)} measured${est(run)}`,
        explanation: `measured energy of one run (no calibration, so not normalised) is ${status === 'fail' ? 'over' : 'within'} the cap`
    };
}
function checkEnergyIncrease(ctx, allowed) {
    const limit = `≤ ${formatPercent(allowed)}`;
    if (!ctx.change)
        return noBaseline('energy-increase', limit);
    const status = decideAgainstLimit(ctx.change.interval, allowed);
    return {
        rule: 'energy-increase',
        status,
        limit,
        actual: describeChange(ctx.change),
        explanation: explainDecision(status, ctx.change, allowed, 'allowed increase'),
        allowedChange: allowed
    };
}
/** Gain in the improving direction: positive is better. */
function metricGain(direction, base, run) {
    return direction === 'higher' ? run - base : base - run;
}
function checkPrice(ctx, metric, kwhPerUnit) {
    const base = ctx.base;
    const increase = ctx.budget.energyIncrease ?? 0;
    const limit = `${formatPercent(increase)} + ${formatSig(kwhPerUnit)} kWh per +1.0 ${metric}`;
    if (!base || !ctx.change)
        return noBaseline('price', limit);
    const direction = ctx.budget.metrics[metric];
    const b = base.metrics[metric];
    const r = ctx.run.metrics[metric];
    if (b === undefined || r === undefined) {
        const missing = b === undefined ? 'the baseline' : 'this run';
        return {
            rule: 'price',
            status: 'not-applicable',
            limit,
            actual: '—',
            explanation: `${metric} is missing from ${missing}, so no gain can be priced`
        };
    }
    const gain = metricGain(direction, b, r);
    const paidKwh = kwhPerUnit * Math.max(gain, 0);
    const allowed = increase + paidKwh / base.comparedKwh;
    const status = decideAgainstLimit(ctx.change.interval, allowed);
    const extraKwh = ctx.run.comparedKwh - base.comparedKwh;
    const gainText = `${metric} ${gain >= 0 ? '+' : '−'}${formatSig(Math.abs(gain))} (${direction} is better)`;
    const paid = gain > 0 ? `pays for ${formatKwh(paidKwh)}` : 'pays for nothing';
    return {
        rule: 'price',
        status,
        limit: `≤ ${formatPercent(allowed)} (${limit})`,
        actual: `${describeChange(ctx.change)}, ${extraKwh >= 0 ? '+' : '−'}${formatKwh(Math.abs(extraKwh))}; gain ${gainText}`,
        explanation: `the gain ${paid} on top of the ${formatPercent(increase)} allowance: ${explainDecision(status, ctx.change, allowed, 'allowed increase')}`,
        allowedChange: allowed,
        gain
    };
}
function checkMetricDrop(ctx, metric, maxLoss) {
    const limit = `loss ≤ ${formatSig(maxLoss)}`;
    if (!ctx.base)
        return noBaseline('metric-drop', limit, metric);
    const direction = ctx.budget.metrics[metric];
    const b = ctx.base.metrics[metric];
    const r = ctx.run.metrics[metric];
    if (b === undefined)
        return {
            rule: 'metric-drop',
            subject: metric,
            status: 'not-applicable',
            limit,
            actual: '—',
            explanation: `the baseline did not report ${metric}`
        };
    if (r === undefined)
        return {
            rule: 'metric-drop',
            subject: metric,
            status: 'fail',
            limit,
            actual: 'not reported',
            explanation: `this run did not report ${metric}, which the baseline did`
        };
    const loss = -metricGain(direction, b, r);
    const status = loss > maxLoss ? 'fail' : 'pass';
    return {
        rule: 'metric-drop',
        subject: metric,
        status,
        limit,
        actual: `${formatSig(b, 4)} → ${formatSig(r, 4)} (${loss > 0 ? 'loss' : 'gain'} ${formatSig(Math.abs(loss))})`,
        explanation: `${metric} (${direction} is better) ${loss > 0 ? `lost ${formatSig(loss)}` : 'did not get worse'}; ${status === 'fail' ? 'more than' : 'within'} the allowed loss`
    };
}
function checkCo2(ctx, cap) {
    const c = ctx.run.carbon;
    const status = c.grams > cap ? 'fail' : 'pass';
    return {
        rule: 'co2-grams',
        status,
        limit: `≤ ${formatGrams(cap)}`,
        actual: `≈ ${formatGrams(c.grams)} (estimate)`,
        explanation: `${formatKwh(c.kwh)} measured × PUE ${c.pue} × ${c.intensity.gramsPerKwh} gCO2e/kWh (${c.intensity.label}) is ${status === 'fail' ? 'over' : 'within'} the cap`
    };
}
function checkProjectedKwh(ctx, cap) {
    const limit = `≤ ${formatKwh(cap)}`;
    const p = ctx.projection;
    if (!p)
        return {
            rule: 'projected-kwh',
            status: 'not-applicable',
            limit,
            actual: '—',
            explanation: 'no projection of the full training was made for this run'
        };
    const status = decideAgainstLimit(p.interval, cap);
    return {
        rule: 'projected-kwh',
        status,
        limit,
        actual: `≈ ${formatKwh(p.kwh)} (estimate, 80% interval ${formatInterval(p.interval, formatSig)})`,
        explanation: `projected energy of the full training: the cap is ${status === 'inconclusive' ? 'inside' : status === 'fail' ? 'below' : 'above'} the projection's interval`
    };
}
/** Every rule the budget sets, in a fixed order; energy-increase defers to price when price was judged. */
function evaluateRules(ctx) {
    const b = ctx.budget;
    const out = [];
    if (b.energyIncrease !== null)
        out.push(checkEnergyIncrease(ctx, b.energyIncrease));
    if (b.price !== null) {
        const price = checkPrice(ctx, b.price.metric, b.price.kwhPerUnit);
        const inc = out.find((r) => r.rule === 'energy-increase');
        if (inc && price.status !== 'not-applicable')
            inc.supersededBy = 'price';
        out.push(price);
    }
    for (const [metric, loss] of Object.entries(b.metricDrop))
        out.push(checkMetricDrop(ctx, metric, loss));
    if (b.energyKwh !== null)
        out.push(checkEnergyKwh(ctx, b.energyKwh));
    if (b.co2Grams !== null)
        out.push(checkCo2(ctx, b.co2Grams));
    if (b.projectedKwh !== null)
        out.push(checkProjectedKwh(ctx, b.projectedKwh));
    return out;
}

/**
 * The least share of a side's energy that readings must cover (docs/budget.md). Below it the
 * missing part could be as large as a typical budget's allowed increase (10%), so the side cannot
 * be judged.
 */
const MIN_ENERGY_COVERAGE = 0.9;
/** How a component is matched across sides: its kind and id (gpu0, cpu0, ram0). */
const keyOf = (c) => `${c.kind} ${c.id}`;
/**
 * The share of a side's energy its readings covered: measured energy over measured energy plus
 * each component's missing part, extrapolated at its own mean power over the uncovered time.
 * 1 when no component says otherwise; 0 when a component that used energy has no coverage at all.
 */
function computeEnergyCoverage(components) {
    let measured = 0;
    let extrapolated = 0;
    for (const c of components) {
        const cov = c.coverage ?? 1;
        if (c.energyJ <= 0) {
            // nothing counted over a window mostly uncovered (no reading at all, or a counter that
            // failed early): its share is unknown, not zero
            if (cov < MIN_ENERGY_COVERAGE)
                return 0;
            continue;
        }
        if (cov <= 0)
            return 0;
        measured += c.energyJ;
        extrapolated += c.energyJ / Math.min(1, cov);
    }
    return extrapolated > 0 ? measured / extrapolated : 1;
}
const percent$1 = (x) => `${(x * 100).toFixed(1)}%`;
function describeLowCoverage(side, components) {
    const coverage = computeEnergyCoverage(components);
    if (coverage >= MIN_ENERGY_COVERAGE)
        return null;
    const below = components.filter((c) => (c.coverage ?? 1) < MIN_ENERGY_COVERAGE);
    const worst = (below.length > 0 ? below : components.filter((c) => (c.coverage ?? 1) < 1))
        .map((c) => `${c.id} ${percent$1(c.coverage ?? 1)}`)
        .join(', ');
    return `${side}'s readings cover ${percent$1(coverage)} of its energy (${worst}), below the ${percent$1(MIN_ENERGY_COVERAGE)} needed to judge it`;
}
/**
 * Why the run, its baseline or the pair cannot be judged; empty when they can. A component set
 * that differs between the sides (a GPU dropped because nvidia-smi stopped answering, a RAPL zone
 * that became unreadable) compares different things; a side whose readings cover less than
 * MIN_ENERGY_COVERAGE of its energy measured only part of it.
 */
function findMeasurementDoubts(run, base) {
    const doubts = [];
    if (base) {
        const runKeys = new Set(run.components.map(keyOf));
        const baseKeys = new Set(base.components.map(keyOf));
        const missing = base.components.filter((c) => !runKeys.has(keyOf(c)));
        const extra = run.components.filter((c) => !baseKeys.has(keyOf(c)));
        if (missing.length > 0)
            doubts.push(`the run did not measure ${missing.map((c) => `${c.id} (${c.name})`).join(', ')}, which the baseline measured`);
        if (extra.length > 0)
            doubts.push(`the run measured ${extra.map((c) => `${c.id} (${c.name})`).join(', ')}, which the baseline did not`);
    }
    const runLow = describeLowCoverage('the run', run.components);
    if (runLow)
        doubts.push(runLow);
    const baseLow = base ? describeLowCoverage('the baseline', base.components) : null;
    if (baseLow)
        doubts.push(baseLow);
    return doubts;
}

const RESERVED$1 = new Set(RESERVED_METRIC_KEYS);
function describeSide(m, n, basis, carbon) {
    const energyMethod = describeTotalMethod(m.components);
    const normalizedKwh = n ? toKwh(n.normalizedEnergyJ) : null;
    return {
        comparedKwh: basis === 'normalized' && normalizedKwh !== null ? normalizedKwh : toKwh(m.energyJ),
        measuredKwh: toKwh(m.energyJ),
        normalizedKwh,
        normalizedIntervalKwh: n ? [toKwh(n.interval[0]), toKwh(n.interval[1])] : null,
        normalizationModel: n?.model ?? null,
        isEstimate: energyMethod.includes('estimate'),
        energyMethod,
        metrics: { ...m.metrics },
        carbon,
        durationS: m.durationS,
        repeats: m.repeat?.n ?? 1,
        hostFingerprint: m.host.fingerprint
    };
}
function sampleOf(m, comparedJ) {
    return {
        meanJ: comparedJ,
        n: m.repeat?.n ?? 1,
        cv: m.repeat && m.repeat.n >= 2 ? m.repeat.cv : null
    };
}
/** The main metric: the one the price is set in, else the first declared higher-is-better one the run reports. */
function chooseMainMetric(budget, metrics) {
    if (budget.price && budget.price.metric in metrics)
        return budget.price.metric;
    return (Object.entries(budget.metrics).find(([name, dir]) => dir === 'higher' && name in metrics)?.[0] ?? null);
}
function aggregate(rules, hasBaseline) {
    const active = rules.filter((r) => r.supersededBy === undefined && r.status !== 'not-applicable');
    const failed = active.find((r) => r.status === 'fail');
    if (failed)
        return { verdict: 'fail', deciding: failed };
    if (!hasBaseline)
        return { verdict: 'no-baseline', deciding: null };
    const unsure = active.find((r) => r.status === 'inconclusive');
    if (unsure)
        return { verdict: 'inconclusive', deciding: unsure };
    const energy = active.find((r) => r.rule === 'price') ?? active.find((r) => r.rule === 'energy-increase');
    return { verdict: 'pass', deciding: energy ?? active[0] ?? null };
}
function ruleLabel(r) {
    return r.subject ? `${r.rule} (${r.subject})` : r.rule;
}
function describeHeadline(verdict, deciding, run, change) {
    if (deciding)
        return `${ruleLabel(deciding)}: ${deciding.actual}, limit ${deciding.limit}`;
    if (verdict === 'no-baseline')
        // the same method words as the report's energy row, so a partly estimated total says so
        return `no baseline yet; this run used ${run.isEstimate ? '≈ ' : ''}${formatKwh(run.measuredKwh)} (${run.energyMethod})`;
    if (change)
        return `energy ${change.change >= 0 ? '+' : ''}${(change.change * 100).toFixed(1)}% against the baseline; the budget sets no rule`;
    return 'the budget sets no rule';
}
/**
 * Judges a run against its baseline and budget. Energy is compared on the normalised basis when
 * both sides have a normalisation, else on measured (gross) energy; with no baseline only the
 * absolute rules (energy-kwh, co2-grams, projected-kwh) can fail, else the verdict is no-baseline.
 * A side whose measurement is in doubt (findMeasurementDoubts) makes the verdict inconclusive.
 * Throws UsageError for an unknown carbon-intensity code.
 */
function judge(input) {
    const intensity = resolveCarbonIntensity(input.carbonIntensity);
    const notes = [];
    const runM = input.run.measurement;
    const baseRec = input.baseline?.record ?? null;
    const basis = input.run.normalization && (!baseRec || baseRec.normalization) ? 'normalized' : 'measured';
    let basisNote = basis === 'normalized'
        ? 'normalised energy (the same work on the reference host), because both sides have a calibration'
        : 'measured energy (gross, idle included, so both sides count the same way), because a calibration is missing on at least one side';
    const carbonOf = (m) => computeCarbon(toKwh(m.energyJ), input.pue, intensity);
    const run = describeSide(runM, input.run.normalization, basis, carbonOf(runM));
    const base = baseRec
        ? describeSide(baseRec.measurement, baseRec.normalization, basis, carbonOf(baseRec.measurement))
        : null;
    let change = null;
    if (base && baseRec) {
        const crossHost = base.hostFingerprint !== run.hostFingerprint;
        let extra = 0;
        if (basis === 'normalized' && crossHost) {
            extra =
                logSdFromInterval80(input.run.normalization.interval) ** 2 +
                    logSdFromInterval80(baseRec.normalization.interval) ** 2;
            basisNote +=
                '; the sides ran on different hosts, so both normalisation intervals widen the comparison';
        }
        else if (crossHost) {
            notes.push('The baseline ran on a different host and the sides are not both normalised: the energy comparison mixes hardware.');
        }
        if (base.comparedKwh > 0 && run.comparedKwh > 0) {
            change = compareEnergy(sampleOf(baseRec.measurement, base.comparedKwh * JOULES_PER_KWH), sampleOf(runM, run.comparedKwh * JOULES_PER_KWH), input.noiseFloor, extra);
        }
        else {
            notes.push('An energy of zero on one side: no relative change can be computed.');
        }
    }
    if (run.isEstimate || base?.isEstimate)
        notes.push('Some energy figures are estimates (no sensor): judge them as such.');
    // an assumed noise floor is said once, by the change's own noise note (change.noiseNote)
    for (const name of Object.keys(runM.metrics)) {
        if (!RESERVED$1.has(name) && !(name in input.budget.metrics)) {
            notes.push(`Metric ${name} has no direction under metrics: in the budget file; it is shown but not judged.`);
        }
    }
    const rules = evaluateRules({
        budget: input.budget,
        run,
        base,
        change,
        projection: input.projection ?? null
    });
    const aggregated = aggregate(rules, base !== null);
    // a sensor fault makes the figures partial: whatever the rules say, no pass and no fail
    const doubts = findMeasurementDoubts(runM, baseRec?.measurement ?? null);
    const verdict = doubts.length > 0 ? 'inconclusive' : aggregated.verdict;
    const deciding = doubts.length > 0 ? null : aggregated.deciding;
    if (doubts.length > 1)
        notes.push(...doubts.slice(1).map((d) => `Also: ${d}.`));
    const mainMetric = chooseMainMetric(input.budget, runM.metrics);
    let energyWeighted = null;
    if (mainMetric && base && base.metrics[mainMetric] !== undefined && run.comparedKwh > 0) {
        // DCASE Task 4's energy-weighted score: metric × E_base / E_run, on the comparison basis
        energyWeighted = {
            metric: mainMetric,
            base: base.metrics[mainMetric],
            run: (run.metrics[mainMetric] * base.comparedKwh) / run.comparedKwh
        };
    }
    notes.push(...(input.notes ?? []));
    return applyPartialRunRules({
        verdict,
        headline: doubts.length > 0
            ? `measurement incomplete, not judged: ${doubts[0]}`
            : describeHeadline(verdict, deciding, run, change),
        decidingRule: deciding,
        rules,
        basis,
        basisNote,
        change,
        run,
        base,
        intensity,
        mainMetric,
        energyWeighted,
        notes,
        input
    });
}
/**
 * The rules that overrule the figures. A partial run measured less work, so its energy would read
 * as a saving: a crashed run fails, a cancelled one is not judged, and the rules are shown for
 * information only. Without the base's budget the only rules at hand are the change's own, so
 * nothing may pass.
 */
function applyPartialRunRules(j) {
    const m = j.input.run.measurement;
    if (m.exitCode !== 0 || m.interrupted) {
        const what = m.interrupted
            ? 'the training run was cancelled'
            : `the training command failed (exit ${m.exitCode ?? `signal ${m.signal ?? 'unknown'}`})`;
        return {
            ...j,
            verdict: m.interrupted ? 'inconclusive' : 'fail',
            headline: `${what}; the figures below cover the partial run and were not judged`,
            decidingRule: null,
            notes: [
                `Not judged: ${what}. Energy and metrics of a partial run cannot be compared with the baseline.`,
                ...j.notes
            ]
        };
    }
    const problem = j.input.budgetProblem;
    if (problem) {
        return {
            ...j,
            verdict: 'inconclusive',
            headline: `no trusted budget: ${problem}`,
            decidingRule: null,
            notes: [
                `Not judged: ${problem}. A pull request is judged only by its base branch's budget, so this run can neither pass nor fail on its rules.`,
                ...j.notes
            ]
        };
    }
    return j;
}
/** The CLI's exit status for a verdict (contract): 1 on fail, else 0. */
function exitCodeForVerdict(verdict) {
    return verdict === 'fail' ? 1 : 0;
}

// Which earlier run a new run is compared with. The rule (DESIGN.md, "check"): the pull request's
// base commit if it has a record; else the nearest record on HEAD's first-parent history (the
// commits the default branch actually went through, not the side branches merged into it); with
// no git history, or no record on the history that could be read, the newest record. The reason is
// a sentence the report prints as is.
const short = (sha) => sha.slice(0, 7);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** Full and abbreviated shas name the same commit when one is a prefix of the other (7+ hex digits). */
function sameCommit(a, b) {
    if (!a || !b)
        return false;
    const x = a.trim().toLowerCase();
    const y = b.trim().toLowerCase();
    if (x === y)
        return true;
    return Math.min(x.length, y.length) >= 7 && (x.startsWith(y) || y.startsWith(x));
}
// A run that failed or was stopped measured something other than the work; never compare with it.
const isUsable = (r) => r.measurement.exitCode === 0 && r.measurement.interrupted !== true;
const time = (r) => {
    const t = Date.parse(r.recordedAt);
    return Number.isNaN(t) ? -Infinity : t;
};
/** Records ordered oldest first by recordedAt; equal times keep file order (appends are in order). */
function byTime(records) {
    return records
        .map((r, i) => ({ r, i }))
        .sort((a, b) => time(a.r) - time(b.r) || a.i - b.i)
        .map((x) => x.r);
}
function found(records, commit, source, reason) {
    const sorted = byTime(records);
    const runs = sorted.length > 1 ? ` (${plural(sorted.length, 'record')})` : '';
    return {
        record: sorted[sorted.length - 1],
        records: sorted,
        commit,
        source,
        reason: reason + runs
    };
}
function none(reason) {
    return { record: null, records: [], commit: null, source: 'none', reason };
}
function selectBaseline(input) {
    const usable = input.records.filter(isUsable);
    const skipped = input.records.length - usable.length;
    const skippedNote = skipped > 0 ? `; ${plural(skipped, 'failed or interrupted run')} ignored` : '';
    if (usable.length === 0) {
        return none(input.records.length === 0 ? 'no record in this series yet' : `no usable record${skippedNote}`);
    }
    const at = (sha) => usable.filter((r) => sameCommit(r.commit, sha));
    const base = input.baseCommit?.trim() || null;
    if (base) {
        const atBase = at(base);
        if (atBase.length > 0)
            return found(atBase, atBase[0].commit, 'base-commit', `base commit ${short(base)} has a record`);
    }
    const ancestry = input.ancestry ?? [];
    if (ancestry.length === 0) {
        const newest = byTime(usable).at(-1);
        const sameRun = newest.commit ? at(newest.commit) : [newest];
        // the report names the record's commit and time next to the reason, so it does not repeat them
        const lead = base
            ? `base commit ${short(base)} has no record and there is no git history`
            : 'there is no git history';
        return found(sameRun, newest.commit, 'newest', `${lead}, so the newest record is the baseline`);
    }
    // Walk from the base when it is on HEAD's first-parent line (a merge ref's first parent is the
    // base), otherwise from HEAD: the base of a branch that was not merged yet is not on that line.
    const baseIndex = base ? ancestry.findIndex((sha) => sameCommit(sha, base)) : -1;
    const start = baseIndex >= 0 ? baseIndex : 0;
    for (let i = start; i < ancestry.length; i++) {
        const hits = at(ancestry[i]);
        if (hits.length === 0)
            continue;
        const sha = ancestry[i];
        const distance = i - start;
        let reason;
        if (base && baseIndex >= 0) {
            reason = `base commit ${short(base)} has no record; nearest first-parent ancestor ${short(sha)} (${plural(distance, 'commit')} before the base) has a record`;
        }
        else if (base && distance === 0) {
            reason = `base commit ${short(base)} has no record and is not on HEAD's first-parent history; HEAD itself (${short(sha)}) has a record`;
        }
        else if (base) {
            reason = `base commit ${short(base)} has no record and is not on HEAD's first-parent history; nearest first-parent ancestor ${short(sha)} (${plural(distance, 'commit')} before HEAD) has a record`;
        }
        else if (distance === 0) {
            reason = `HEAD ${short(sha)} has a record`;
        }
        else {
            reason = `nearest first-parent ancestor ${short(sha)} (${plural(distance, 'commit')} before HEAD) has a record`;
        }
        return found(hits, hits[0].commit, 'ancestor', reason);
    }
    // Records exist but none is on the line that was read: the newest record of the series (history
    // is only written from the default branch, never from a pull request) is a weaker baseline than
    // an ancestor's, and the reason says why it was chosen, but it is better than no comparison.
    const searched = ancestry.length - start;
    const from = base && baseIndex >= 0 ? `the base commit ${short(base)}` : 'HEAD';
    const newest = byTime(usable).at(-1);
    const sameRun = newest.commit ? at(newest.commit) : [newest];
    const lead = `baseline: newest record of series ${newest.series}${newest.commit ? ` (commit ${short(newest.commit)})` : ''}`;
    const why = input.shallow
        ? `the base commit's ancestry could not be read from this shallow clone (${plural(searched, 'commit')} of ${from}'s first-parent history read; fetch-depth: 0 reads it all)`
        : `${usable.length === 1 ? 'the only record is not' : `none of the ${usable.length} records is`} on ${from}'s first-parent history (${plural(searched, 'commit')} searched)`;
    return found(sameRun, newest.commit, 'newest', `${lead}; ${why}${skippedNote}`);
}
/**
 * True while the ancestry read so far leads to no recorded commit although usable records exist:
 * a shallow checkout is then worth deepening before settling for the newest record.
 */
function needsDeeperHistory(input) {
    const choice = selectBaseline(input);
    return choice.source === 'newest' && (input.ancestry?.length ?? 0) > 0;
}
/**
 * Several usable records at the chosen commit (a matrix, a re-run, nightly records) are one
 * baseline measured several times: pooled, they give the statistics a mean and a spread instead
 * of one run judged against an assumed noise floor. Components are scaled so that the energy is
 * still their sum; the newest record lends everything else.
 */
function poolBaselineRecords(all) {
    if (all.length === 0)
        return null;
    const newest = all[all.length - 1];
    // only runs of the same command on the newest one's basis (normalised or not), so the pooled
    // figures describe one piece of work measured several times
    const records = all.filter((r) => r.measurement.command === newest.measurement.command &&
        (r.normalization === null) === (newest.normalization === null));
    if (records.length === 1)
        return newest;
    const runs = records.flatMap((r) => r.measurement.runs && r.measurement.runs.length > 0
        ? r.measurement.runs
        : [
            {
                exitCode: r.measurement.exitCode,
                signal: r.measurement.signal ?? null,
                durationS: r.measurement.durationS,
                energyJ: r.measurement.energyJ,
                netEnergyJ: r.measurement.netEnergyJ,
                interrupted: r.measurement.interrupted === true
            }
        ]);
    const repeat = computeRepeatStats(runs);
    const scale = newest.measurement.energyJ > 0 ? repeat.meanJ / newest.measurement.energyJ : 1;
    const normalizations = records.map((r) => r.normalization);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
        ...newest,
        measurement: {
            ...newest.measurement,
            energyJ: repeat.meanJ,
            durationS: repeat.meanDurationS,
            netEnergyJ: newest.measurement.idlePowerW === null
                ? null
                : repeat.meanJ - newest.measurement.idlePowerW * repeat.meanDurationS,
            components: newest.measurement.components.map((c) => ({ ...c, energyJ: c.energyJ * scale })),
            runs,
            repeat
        },
        normalization: newest.normalization
            ? {
                ...newest.normalization,
                normalizedEnergyJ: mean(normalizations.map((n) => n.normalizedEnergyJ)),
                interval: [
                    mean(normalizations.map((n) => n.interval[0])),
                    mean(normalizations.map((n) => n.interval[1]))
                ]
            }
            : newest.normalization
    };
}

// The first-parent history of HEAD in the workspace: the commits the current branch went through,
// newest first, which is where selectBaseline looks for the nearest recorded ancestor. A shallow
// checkout (actions/checkout fetches one commit by default) is deepened a few bounded rounds from
// origin until that history reaches a recorded commit, so a baseline needs no full clone.
const DEFAULT_ANCESTRY_LIMIT = 500;
/**
 * Null when `at.cwd` is not inside a git repository, the repository has no commit yet, or git is not
 * installed: the baseline rule then falls back to the newest record and says so.
 */
async function readFirstParentAncestry(at, limit = DEFAULT_ANCESTRY_LIMIT, rev = 'HEAD') {
    let list;
    try {
        list = await runGitRaw(['rev-list', '--first-parent', `--max-count=${Math.max(1, Math.floor(limit))}`, rev, '--'], { cwd: at.cwd, env: at.env });
    }
    catch {
        return null; // git itself could not be started
    }
    if (list.code !== 0) {
        if (/not a git repository|unknown revision|ambiguous argument|bad revision|does not have any commits/i.test(list.stderr)) {
            return null;
        }
        throw new Error(`git rev-list --first-parent ${rev} failed in ${at.cwd}: ${list.stderr.trim()}`);
    }
    const shas = list.stdout
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    if (shas.length === 0)
        return null;
    const shallow = await runGitRaw(['rev-parse', '--is-shallow-repository'], {
        cwd: at.cwd,
        env: at.env
    });
    return { shas, shallow: shallow.code === 0 && shallow.stdout.trim() === 'true' };
}
// 50 covers a busy week of merges; 1000 more is still a few megabytes of commits and trees.
const DEEPEN_ROUNDS = [50, 200, 1000];
const DEEPENED_LIMIT = 1 + DEEPEN_ROUNDS.reduce((a, b) => a + b, 0);
/**
 * HEAD's first-parent ancestry, deepened while the checkout is shallow and no commit read so far
 * has a usable record. It stops when a recorded commit appears, when the history is complete, when
 * a round adds nothing, or when a fetch fails (no credentials, no remote): the baseline rule then
 * falls back to the newest record and says so.
 */
async function readAncestryForBaseline(at, input, options = {}) {
    const remote = options.remote ?? 'origin';
    let ancestry = await readFirstParentAncestry(at, DEEPENED_LIMIT);
    for (const depth of options.rounds ?? DEEPEN_ROUNDS) {
        if (!ancestry?.shallow)
            break;
        if (!needsDeeperHistory({ ...input, ancestry: ancestry.shas, shallow: true }))
            break;
        // The commit itself is wanted: it is what the walk starts from, whatever ref it came by.
        const fetch = await runGitRaw(['fetch', '--quiet', '--no-tags', `--deepen=${depth}`, remote, ancestry.shas[0]], { cwd: at.cwd, env: at.env, timeoutMs: options.timeoutMs ?? 60_000 });
        if (fetch.code !== 0) {
            const why = fetch.timedOut
                ? `stopped after ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`
                : hideUserinfo(fetch.stderr.trim().split('\n').at(-1) ?? '');
            options.log?.(`joulegate: could not deepen the shallow checkout from ${remote}: ${why}`);
            break;
        }
        const before = ancestry.shas.length;
        ancestry = await readFirstParentAncestry(at, DEEPENED_LIMIT);
        options.log?.(`joulegate: deepened the shallow checkout by ${depth} commits to look for a recorded ancestor (${ancestry?.shas.length ?? 0} first-parent commits read)`);
        if ((ancestry?.shas.length ?? 0) <= before)
            break;
    }
    return ancestry;
}

// Files as they are at a commit that is not checked out: a pull request is judged by its base
// branch's budget, and the pull request's checkout is the one tree that cannot be trusted for it.
/** Refs a user can name on the command line; anything else (a leading "-", spaces) is refused. */
const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/^~@{}-]{0,199}$/;
const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;
/** The repository's top folder containing `cwd`, or null outside a git repository. */
async function readRepositoryRoot(at) {
    const r = await runGitRaw(['rev-parse', '--show-toplevel'], { cwd: at.cwd, env: at.env }).catch(() => null);
    return r && r.code === 0 ? r.stdout.trim() : null;
}
async function resolveLocal(at, ref) {
    const r = await runGitRaw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
        cwd: at.cwd,
        env: at.env
    });
    return r.code === 0 ? r.stdout.trim() : null;
}
/**
 * The full sha of `ref`, fetching that one commit from `origin` when the checkout lacks it:
 * actions/checkout clones a pull request's merge commit at depth 1, so its base is not there. The
 * fetch is bounded (depth 1, no tags) and uses whatever credentials the checkout persisted.
 */
async function resolveCommit(at, ref) {
    if (!REF_PATTERN.test(ref))
        return { sha: null, problem: `${JSON.stringify(ref)} is not a commit or branch name` };
    const local = await resolveLocal(at, ref);
    if (local)
        return { sha: local, fetched: false };
    const fetch = await runGitRaw(['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', ref], {
        cwd: at.cwd,
        env: at.env
    });
    if (fetch.code !== 0) {
        const why = fetch.stderr.trim().split('\n').at(-1) ?? `exit ${fetch.code}`;
        return {
            sha: null,
            problem: `commit ${ref} is not in the checkout and fetching it failed (${why})`
        };
    }
    const sha = FULL_SHA.test(ref)
        ? await resolveLocal(at, ref)
        : await resolveLocal(at, 'FETCH_HEAD');
    return sha
        ? { sha, fetched: true }
        : { sha: null, problem: `commit ${ref} could not be read after fetching it from origin` };
}
/** How many tracked files differ from HEAD (staged or not); null outside a git repository. */
async function countChangedFiles(at) {
    const r = await runGitRaw(['status', '--porcelain', '-z', '--untracked-files=no'], {
        cwd: at.cwd,
        env: at.env
    }).catch(() => null);
    if (!r || r.code !== 0)
        return null;
    // -z: entries end with NUL; a rename adds its old path as one more NUL-ended field
    const fields = r.stdout.split('\0').filter((f) => f !== '');
    return fields.filter((f) => /^[ MADRCUT?!]{2} /.test(f)).length;
}

// Which existing pull-request comment is "ours": its FIRST line must be exactly the series' hidden
// marker AND it must be written by our own identity. Matching on the marker alone would let anyone
// who quotes it (a person, another bot) have their comment overwritten by the action, and matching
// it anywhere in the body would let text inside another series' report (a metric name, a note)
// claim that comment for a series it does not belong to.
/** GitHub rejects comment bodies over 65,536 characters; stay clear of the edge. */
/** The hidden marker (contract) that finds our sticky comment; also the report's first line. */
function commentMarker(series) {
    // series names are validated already; this keeps a stray name from closing the HTML comment
    return `<!-- joulegate:${series.replace(/[^A-Za-z0-9._-]/g, '_')} -->`;
}

// User-provided text (commands, metric names, branch names, host names) goes into a pull-request
// comment: it must not render as markup, open HTML, link anywhere, break a table or notify anyone.
// Text we write ourselves is plain markdown and is not passed through here; sentences of ours
// that embed user values go through escapeProse, which keeps our code spans.
const ZWJ = '\u200d';
const HTML = { '<': '&lt;', '>': '&gt;', '|': '&#124;' };
function flatten(text, maxLength) {
    let s = text.replace(/[\r\n\t\v\f]+/g, ' ');
    // eslint-disable-next-line no-control-regex
    s = s.replace(/[\u0000-\u001f\u007f]/g, '');
    return s.length > maxLength ? `${s.slice(0, maxLength - 1)}…` : s;
}
// Backslashes first: the entities added next contain # and ; which must stay as they are. Only
// an & that would start an entity is escaped, and " is left alone (no tag can open, since < is
// escaped), so ordinary text reads the same in a terminal. A zero-width joiner after every @
// stops mentions, and one inside :// and www. stops GitHub's autolinks.
function escapeInline(s) {
    return s
        .replace(/[\\`*_{}[\]~]/g, (c) => `\\${c}`)
        .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
        .replace(/[<>|]/g, (c) => HTML[c])
        .replace(/@/g, `@${ZWJ}`)
        .replace(/:\/\//g, `:${ZWJ}//`)
        .replace(/\b(www)\./gi, `$1${ZWJ}.`);
}
// Line breaks are gone, so block syntax (#, +, -, =, 1.) can only start the text itself.
const escapeBlockStart = (s) => s.replace(/^(\s*)([#+\-=]|\d+[.)])/, (_m, space, mark) => `${space}\\${mark}`);
/**
 * Escapes one user-provided string for markdown prose and table cells: markdown punctuation gets
 * a backslash, HTML-significant characters and the pipe become entities, line breaks become
 * spaces, mentions do not notify and URLs do not link.
 */
function escapeMarkdown(text, maxLength = 500, options = {}) {
    const s = escapeInline(flatten(text, options.maxLength ?? maxLength));
    return options.lineStart === false ? s : escapeBlockStart(s);
}
// A code span whose content cannot break a table cell; inside it nothing links, mentions or opens
// HTML. Its text still reaches the comment's raw body verbatim, though, where an HTML comment such
// as a sticky-comment marker would be found by whoever searches bodies: those are broken below.
const CODE_SPAN = /`([^`|]+)`/g;
/**
 * Breaks HTML comment openers and closers with a zero-width joiner, so no user text can carry
 * joulegate's `<!-- joulegate:NAME -->` marker (or end one) into a comment, even in a code span.
 */
function neutralizeHtmlComments(text) {
    return text.replace(/<!--/g, `<!${ZWJ}--`).replace(/--(!?>)/g, `-${ZWJ}-$1`);
}
/**
 * Escapes a sentence of ours that embeds user values (a rule's explanation, a headline, a notice):
 * like escapeMarkdown, except that code spans stay code spans, so "run `calibrate`" renders as
 * code instead of showing backslashes.
 */
function escapeProse(text, options = {}) {
    const s = flatten(text, options.maxLength ?? 500);
    let out = '';
    let last = 0;
    for (const m of s.matchAll(CODE_SPAN)) {
        out += escapeInline(s.slice(last, m.index)) + neutralizeHtmlComments(m[0]);
        last = m.index + m[0].length;
    }
    out += escapeInline(s.slice(last));
    return options.lineStart === false ? out : escapeBlockStart(out);
}
/** Text for a mermaid label: only characters that cannot end the label or start a directive. */
function sanitizeChartLabel(text, maxLength = 40) {
    const s = text.replace(/[^A-Za-z0-9 _.,+%/-]/g, '').trim();
    return (s.length > maxLength ? s.slice(0, maxLength) : s) || '?';
}

// Mermaid xychart-beta charts, folded away: the tables carry the figures, charts only add a view.
/** Normalised energy when every point has it (else measured, and the title says so). */
function collectPoints(history, j, metric) {
    const recs = history.slice(-20);
    const normalized = j.run.normalizedKwh !== null && recs.every((r) => r.normalization !== null);
    const points = recs.map((r, i) => ({
        label: sanitizeChartLabel((r.commit ?? `#${i + 1}`).slice(0, 7), 12),
        kwh: normalized ? toKwh(r.normalization.normalizedEnergyJ) : toKwh(r.measurement.energyJ),
        metric: metric ? r.measurement.metrics[metric] : undefined
    }));
    points.push({
        label: 'this run',
        kwh: normalized ? j.run.normalizedKwh : j.run.measuredKwh,
        metric: metric ? j.run.metrics[metric] : undefined
    });
    return { points, normalized };
}
const list = (xs) => `[${xs.map((x) => `"${x}"`).join(', ')}]`;
const values = (xs) => `[${xs.map((x) => formatSig(x, 4)).join(', ')}]`;
function chart(title, xLabels, yTitle, ys) {
    return [
        '```mermaid',
        'xychart-beta',
        `  title "${title}"`,
        `  x-axis ${list(xLabels)}`,
        `  y-axis "${yTitle}"`,
        `  line ${values(ys)}`,
        '```'
    ].join('\n');
}
function renderCharts(history, j) {
    const metric = j.mainMetric;
    const { points: kwhPoints, normalized } = collectPoints(history, j, metric);
    // the axis in the unit the tables use for these figures (a short run's energy is not 0.0000x kWh)
    const { unit, joulesPerUnit } = chooseEnergyUnit(Math.max(...kwhPoints.map((p) => Math.abs(p.kwh))) * JOULES_PER_KWH);
    // from here on `kwh` holds the figure in the axis unit
    const points = kwhPoints.map((p) => ({ ...p, kwh: (p.kwh * JOULES_PER_KWH) / joulesPerUnit }));
    const parts = [];
    const kind = normalized ? 'Normalised energy' : 'Measured energy';
    if (points.length >= 2) {
        parts.push(`<details><summary>Chart: ${kind.toLowerCase()} over recent history</summary>\n\n${chart(`${kind} per run (${unit})`, points.map((p) => p.label), unit, points.map((p) => p.kwh))}\n\n</details>`);
    }
    const withMetric = points
        .filter((p) => typeof p.metric === 'number')
        .sort((a, b) => a.metric - b.metric);
    if (metric && withMetric.length >= 2) {
        const m = sanitizeChartLabel(metric);
        parts.push(`<details><summary>Chart: ${kind.toLowerCase()} against ${m}</summary>\n\n${chart(`${kind} (${unit}) by ${m}, runs sorted by ${m}`, withMetric.map((p) => `${formatSig(p.metric, 4)} ${p.label}`), unit, withMetric.map((p) => p.kwh))}\n\n</details>`);
    }
    return parts.join('\n\n');
}

// The report's tables: base against this run, the rules checked, and where every number came from.
// Every user-provided value goes through esc (a single value) or prose (a sentence of ours that
// embeds user values); text we write is plain markdown. None of them starts a line here.
const esc$1 = (s) => escapeMarkdown(s, 500, { lineStart: false });
const prose = (s) => escapeProse(s, { lineStart: false });
const COUNTS = ['params', 'macs', 'flops'];
const RESERVED = new Set(RESERVED_METRIC_KEYS);
const table = (rows) => markdownTable(rows, { alignDelimiters: false });
/** An energy figure with its method; an estimate never reads as a measurement. */
function describeEnergyCell(kwh, method, e = esc$1) {
    return method.includes('estimate')
        ? `≈ ${formatKwh(kwh)} (${e(method)})`
        : `${formatKwh(kwh)} (${e(method)})`;
}
/**
 * Idle power, only where a real sensor measured it: an estimate's idle power is its own power
 * model at rest, so "net of idle" on estimates would subtract a guess from a guess (and could
 * read −48% beside a gross +35%).
 */
function describeIdle(m) {
    const net = netEnergy(m.energyJ, m.idlePowerW, m.durationS);
    if (m.idlePowerW === null || net === null)
        return null;
    const method = describeTotalMethod(m.components);
    // idle above the run's mean power leaves nothing to net: the idle reading is off, not the run
    if (method.includes('estimate') || net <= 0)
        return null;
    return {
        watts: `${formatSig(m.idlePowerW)} W (${esc$1(method)}, at rest before the run)`,
        netKwh: toKwh(net)
    };
}
/**
 * Idle power and energy net of idle, when both sides measured idle power on a sensor:
 * informative only, since the rules judge gross energy (or its normalisation).
 */
function idleRows(j) {
    const runM = j.input.run.measurement;
    const baseM = j.input.baseline?.record.measurement;
    const run = describeIdle(runM);
    const base = baseM ? describeIdle(baseM) : null;
    if (!run || !base)
        return [];
    return [
        ['idle power', base.watts, run.watts, relative(baseM.idlePowerW, runM.idlePowerW)],
        [
            'energy net of idle (for information only)',
            describeEnergyCell(base.netKwh, `${j.base.energyMethod}, net of idle`),
            describeEnergyCell(run.netKwh, `${j.run.energyMethod}, net of idle`),
            relative(base.netKwh, run.netKwh)
        ]
    ];
}
function normalized(side) {
    if (!side || side.normalizedKwh === null || side.normalizedIntervalKwh === null)
        return '—';
    return `${formatKwh(side.normalizedKwh)} (80% interval ${formatInterval(side.normalizedIntervalKwh, formatKwh)})`;
}
const relative = (base, run) => base === undefined || run === undefined || base === 0 ? '—' : formatPercent(run / base - 1);
function metricDelta(base, run) {
    if (base === undefined || run === undefined)
        return '—';
    const d = run - base;
    return `${d >= 0 ? '+' : '−'}${formatSig(Math.abs(d), 3)}`;
}
const sideValue = (v) => (v === undefined ? '—' : formatSig(v, 4));
/** The column head of the compared side: the base branch and commit when the record has them. */
function describeBaseHead(j, e) {
    if (!j.base)
        return 'base (none)';
    const rec = j.input.baseline?.record;
    const name = rec?.branch ? e(rec.branch) : 'base';
    return rec?.commit ? `${name} (${e(rec.commit.slice(0, 7))})` : name;
}
function describeChangeCell(j) {
    const c = j.change;
    if (!c)
        return '—';
    return `${formatPercent(c.change)} (${Math.round(c.confidence * 100)}% interval ${formatInterval(c.interval, formatPercent)})`;
}
const metricNames = (j) => [...new Set([...Object.keys(j.base?.metrics ?? {}), ...Object.keys(j.run.metrics)])].filter((n) => !RESERVED.has(n));
/**
 * The one table a reviewer reads: the energy the verdict compared (normalised when both sides
 * have it, else measured), runtime, each declared metric, model size only when it changed, CO2.
 */
function buildComparisonRows(j, e) {
    const { base, run } = j;
    const rows = [['', describeBaseHead(j, e), 'this run', 'change']];
    if (j.basis === 'normalized') {
        rows.push(['energy, normalised', normalized(base), normalized(run), describeChangeCell(j)]);
    }
    else {
        rows.push([
            'energy, measured',
            base ? describeEnergyCell(base.measuredKwh, base.energyMethod, e) : '—',
            describeEnergyCell(run.measuredKwh, run.energyMethod, e),
            describeChangeCell(j)
        ]);
    }
    rows.push([
        'runtime',
        base ? formatDuration(base.durationS) : '—',
        formatDuration(run.durationS),
        relative(base?.durationS, run.durationS)
    ]);
    for (const name of metricNames(j)) {
        const dir = j.input.budget.metrics[name];
        if (!dir)
            continue;
        const b = base?.metrics[name];
        const r = run.metrics[name];
        rows.push([`${e(name)} (${dir} is better)`, sideValue(b), sideValue(r), metricDelta(b, r)]);
    }
    for (const name of COUNTS) {
        const b = base?.metrics[name];
        const r = run.metrics[name];
        // the model's size matters to a reviewer when the change altered it; unchanged, it is noise
        if (!base || b === r)
            continue;
        const label = name === 'macs' ? 'MACs' : name === 'flops' ? 'FLOPs' : 'parameters';
        rows.push([
            label,
            b === undefined ? '—' : formatCount(b),
            r === undefined ? '—' : formatCount(r),
            relative(b, r)
        ]);
    }
    rows.push([
        'CO2 (estimate)',
        base ? `≈ ${formatGrams(base.carbon.grams)}` : '—',
        `≈ ${formatGrams(run.carbon.grams)}`,
        relative(base?.carbon.grams, run.carbon.grams)
    ]);
    return rows;
}
const renderComparisonTable = (j) => table(buildComparisonRows(j, esc$1));
/**
 * The figures behind the table, for the folded part: measured energy when the table shows the
 * normalised one, idle, repeats, the energy-weighted score and metrics the budget does not judge.
 */
function renderMoreFigures(j) {
    const { base, run } = j;
    const rows = [['', describeBaseHead(j, esc$1), 'this run', 'change']];
    if (j.basis === 'normalized') {
        rows.push([
            'energy, measured',
            base ? describeEnergyCell(base.measuredKwh, base.energyMethod) : '—',
            describeEnergyCell(run.measuredKwh, run.energyMethod),
            relative(base?.measuredKwh, run.measuredKwh)
        ]);
    }
    else if (run.normalizedKwh !== null || base?.normalizedKwh != null) {
        rows.push(['energy, normalised (not compared)', normalized(base), normalized(run), '—']);
    }
    const idle = idleRows(j);
    rows.push(...idle);
    if (run.repeats > 1 || (base?.repeats ?? 1) > 1)
        rows.push(['runs averaged', base ? String(base.repeats) : '—', String(run.repeats), '']);
    if (j.energyWeighted) {
        const e = j.energyWeighted;
        rows.push([
            `energy-weighted ${esc$1(e.metric)} (DCASE: metric × E_base / E_run)`,
            formatSig(e.base, 4),
            formatSig(e.run, 4),
            metricDelta(e.base, e.run)
        ]);
    }
    for (const name of metricNames(j)) {
        if (j.input.budget.metrics[name])
            continue;
        const b = base?.metrics[name];
        const r = run.metrics[name];
        rows.push([`${esc$1(name)} (not judged)`, sideValue(b), sideValue(r), metricDelta(b, r)]);
    }
    if (rows.length === 1)
        return '';
    return table(rows) + (idle.length > 0 ? `\n\n_${NET_NOTE}_` : '');
}
const NET_NOTE = 'Net of idle = energy − idle power × runtime, shown for information only: the rules judge gross energy (or its normalisation), which counts both sides the same way.';
const STATUS = {
    pass: '✅ pass',
    fail: '❌ fail',
    inconclusive: '⚠️ inconclusive',
    'not-applicable': '➖ not applicable'
};
const ALONE = {
    pass: 'alone it would pass',
    fail: 'alone it would fail',
    inconclusive: 'alone it would be inconclusive',
    'not-applicable': 'alone it would not apply'
};
/**
 * A rule replaced by another did not decide the verdict, so its row carries no pass/fail mark;
 * what it would have said alone stays visible in words. Energy-increase gives way to price
 * because the metric gain may pay for extra energy: judging the increase alone would fail every
 * improvement that costs energy.
 */
function describeRuleStatus(r, icons = true) {
    if (r.supersededBy)
        return `${icons ? '➖ ' : ''}not deciding: the ${r.supersededBy} rule judges energy, since the metric gain can pay for it (${ALONE[r.status]})`;
    return icons ? STATUS[r.status] : r.status;
}
function renderRulesTable(j) {
    if (j.rules.length === 0)
        return `_The budget (${esc$1(j.input.budget.source)}) sets no rule._`;
    const rows = [['rule', 'status', 'limit', 'actual', 'why']];
    for (const r of j.rules) {
        rows.push([
            r.subject ? `${r.rule} (${esc$1(r.subject)})` : r.rule,
            describeRuleStatus(r),
            prose(r.limit),
            prose(r.actual),
            prose(r.explanation)
        ]);
    }
    return table(rows);
}
// past this many components (a cluster job), the node table stands in for one row per GPU
const MAX_COMPONENT_ROWS = 24;
function componentRows(side, all) {
    const components = all.length > MAX_COMPONENT_ROWS ? all.filter((c) => c.host === undefined) : all;
    const folded = all.length - components.length;
    const rows = components.map((c) => [
        side,
        esc$1(`${c.id}: ${c.name}`),
        esc$1(c.source),
        c.method,
        c.coverage === undefined ? '—' : formatShare(c.coverage),
        c.method === 'estimate' ? `≈ ${formatKwh(toKwh(c.energyJ))}` : formatKwh(toKwh(c.energyJ))
    ]);
    if (folded > 0) {
        const sum = all.filter((c) => c.host !== undefined).reduce((a, c) => a + c.energyJ, 0);
        rows.push([
            side,
            `${folded} cluster devices (per node below)`,
            'prometheus',
            'counter',
            '—',
            formatKwh(toKwh(sum))
        ]);
    }
    return rows;
}
/** One row per node of a cluster measurement; empty when no component names its node. */
function renderNodeBreakdown(components) {
    const nodes = summariseNodes(components);
    if (nodes.length === 0)
        return '';
    const rows = [
        ['node', 'GPUs', 'energy', 'coverage'],
        ...nodes.map((n) => [
            esc$1(n.host),
            n.models ? esc$1(n.models) : '0',
            formatKwh(toKwh(n.energyJ)),
            n.minCoverage === null ? '—' : formatShare(n.minCoverage)
        ])
    ];
    return `Per node (read from Prometheus, counter increase over the command's window):\n\n${table(rows)}`;
}
/** Each estimate model once, however many components and sides used it. */
function describeModels(components) {
    const models = new Map();
    for (const c of components) {
        if (c.method !== 'estimate' || !c.model)
            continue;
        const ids = models.get(c.model) ?? [];
        if (!ids.includes(c.id))
            ids.push(c.id);
        models.set(c.model, ids);
    }
    return [...models].map(([model, ids]) => `- **Estimate model** (${esc$1(ids.join(', '))}): ${esc$1(model)}`);
}
function describeAge(createdAt, now) {
    if (!createdAt)
        return 'no calibration';
    const days = now ? (Date.parse(now) - Date.parse(createdAt)) / 86_400_000 : NaN;
    return Number.isFinite(days)
        ? `calibrated ${esc$1(createdAt)} (${formatSig(Math.max(days, 0), 2)} days before this run)`
        : `calibrated ${esc$1(createdAt)}`;
}
function renderProvenance(j) {
    const lines = [];
    const b = j.input.baseline;
    const which = b?.record.commit ? `commit ${esc$1(b.record.commit)}` : 'a record with no commit';
    lines.push(b
        ? `- **Baseline:** ${which}, recorded ${esc$1(b.record.recordedAt)}: ${prose(b.reason)}`
        : '- **Baseline:** none recorded for this series yet');
    const runM = j.input.run.measurement;
    const runner = j.input.run.runner ?? runM.host.hostname ?? null;
    lines.push(`- **Runner:** ${runner ? esc$1(runner) : 'unnamed'}; ${esc$1(runM.host.cpu)}${runM.host.gpus.length ? `; ${esc$1(runM.host.gpus.join(', '))}` : ''}; ${describeAge(j.input.run.calibrationCreatedAt, j.input.now)}`);
    // the basis, noise and carbon sentences are ours, with no user value in them
    lines.push(`- **Compared on:** ${j.basisNote}`);
    if (j.change)
        lines.push(`- **Statistics:** ${j.change.noiseNote}`);
    lines.push(`- **Carbon:** kWh measured × PUE ${j.run.carbon.pue} × ${describeIntensity(j.intensity)}; an estimate from an annual grid average`);
    const baseComponents = b ? b.record.measurement.components : [];
    lines.push(...describeModels([...runM.components, ...baseComponents]));
    const rows = [
        ['side', 'component', 'sensor', 'method', 'coverage', 'energy'],
        ...componentRows('this run', runM.components),
        ...componentRows('base', baseComponents)
    ];
    const nodes = renderNodeBreakdown(runM.components);
    return `${lines.join('\n')}\n\n${table(rows)}${nodes ? `\n\n${nodes}` : ''}`;
}
/** Said by the second line already, when the figures are estimates. */
const ESTIMATE_NOTE = 'Some energy figures are estimates (no sensor): judge them as such.';
function renderNotes(j) {
    const notices = [
        ...(j.input.run.measurement.notices ?? []),
        ...(j.input.run.measurement.metricErrors ?? [])
    ];
    // each fact once: a notice repeated by several sensors or sides is listed a single time
    const all = [...new Set([...j.notes, ...notices])].filter((n) => n !== ESTIMATE_NOTE);
    // a list item's text may start a block ("- # x" is a heading), so lineStart stays on
    return all.length === 0 ? '' : all.map((n) => `- ${escapeProse(n)}`).join('\n');
}

const VERDICT_ICON = {
    pass: '✅',
    fail: '❌',
    inconclusive: '⚠️',
    'no-baseline': 'ℹ️'
};
const VERDICT_WORD = {
    pass: 'Pass',
    fail: 'Fail',
    inconclusive: 'Inconclusive',
    'no-baseline': 'No baseline yet'
};
/** "+35%", "−4.2%": whole percents once the change is large enough to read that way. */
function roughPercent(fraction) {
    const v = fraction * 100;
    const digits = Math.abs(v) < 10 ? 1 : 0;
    const s = Math.abs(v).toFixed(digits);
    if (Number(s) === 0)
        return '0%';
    return `${v > 0 ? '+' : '−'}${s}%`;
}
const signedKwh = (kwh) => `${kwh >= 0 ? '+' : '−'}${formatKwh(Math.abs(kwh))}`;
/** The name of the side compared with: the base branch when the record names one. */
function describeBaseName(j, esc) {
    const branch = j.input.baseline?.record.branch;
    return branch ? esc(branch) : 'base';
}
function describeEnergyRule(j, r, esc) {
    const c = j.change;
    const base = describeBaseName(j, esc);
    const delta = j.base ? ` (${signedKwh(j.run.comparedKwh - j.base.comparedKwh)})` : '';
    const what = j.basis === 'normalized' ? 'normalised energy' : 'energy';
    const energy = c.change >= 0
        ? `${what} ${roughPercent(c.change)} over ${base}${delta}`
        : `${what} ${roughPercent(-c.change).slice(1)} below ${base}${delta}`;
    const allowed = r.allowedChange === undefined ? esc(r.limit) : roughPercent(r.allowedChange);
    let out = `${energy}; budget allows ${allowed}`;
    if (r.rule === 'price' && r.gain !== undefined) {
        const metric = esc(j.input.budget.price.metric);
        // on a fail, a metric that did not improve is why nothing paid for the extra energy
        if (r.gain > 0)
            out += ` with ${metric} +${formatSig(r.gain)}`;
        else if (r.status !== 'pass')
            out += ` — ${metric} did not improve`;
    }
    return out;
}
const RULE_SUBJECT = {
    'energy-kwh': 'energy of one run',
    'energy-increase': 'energy',
    price: 'energy',
    'co2-grams': 'CO2',
    'metric-drop': '',
    'projected-kwh': 'projected energy of the full training'
};
function describeRule(j, r, esc) {
    if ((r.rule === 'energy-increase' || r.rule === 'price') && j.change)
        return describeEnergyRule(j, r, esc);
    const subject = r.rule === 'metric-drop' ? esc(r.subject ?? 'metric') : RULE_SUBJECT[r.rule];
    return `${subject} ${esc(r.actual)}; budget allows ${esc(r.limit)}`;
}
/** A headline set by the pipeline (a crash, a cancellation, no trusted budget) in two lines. */
function splitHeadline(text) {
    const at = text.indexOf(': ');
    if (text.length <= 90 || at < 0)
        return [text, null];
    return [text.slice(0, at), `${text.slice(at + 2, at + 3).toUpperCase()}${text.slice(at + 3)}`];
}
const sentenceEnd = (s) => (/[.!?]$/.test(s) ? s : `${s}.`);
function describeVerdictLine(j, esc) {
    const icon = VERDICT_ICON[j.verdict];
    const word = VERDICT_WORD[j.verdict];
    const estimate = j.run.isEstimate || j.base?.isEstimate === true;
    const estimateLine = estimate
        ? 'Energy figures marked ≈ are estimates from a power model (no sensor), not measurements.'
        : null;
    const r = j.decidingRule;
    if (r) {
        let second = estimateLine;
        if (j.verdict === 'inconclusive' && j.change)
            second = `The difference is within the noise: repeat the run (--repeat 3) or calibrate the runner to narrow it.${estimate ? ` ${estimateLine}` : ''}`;
        return { icon, word, sentence: sentenceEnd(describeRule(j, r, esc)), second };
    }
    // the word already says there is no baseline; the sentence keeps what this run used
    const headline = j.headline.replace(/^no baseline yet; /, '');
    const [first, rest] = splitHeadline(esc(headline));
    return {
        icon,
        word,
        sentence: sentenceEnd(first),
        second: rest ? sentenceEnd(rest) + (estimate ? ` ${estimateLine}` : '') : estimateLine
    };
}

// The markdown report: a pure function of the judgement (and the recent history for charts).
const esc = (s) => escapeMarkdown(s, 500, { lineStart: false });
const REPORT_MAX_CHARS = 60_000;
/**
 * The first visible line (and a second only when it changes the reading): the verdict, the
 * figure that decided it and its limit, in words a reviewer reads in seconds.
 */
function renderHeadline(j) {
    const line = describeVerdictLine(j, esc);
    const series = j.input.series && j.input.series !== 'default' ? ` (${esc(j.input.series)})` : '';
    const first = `${line.icon} **${line.word}${series}:** ${line.sentence}`;
    return line.second ? `${first}\n${line.second}` : first;
}
/** The marker is HTML-comment text: keep it to the characters a series name may have. */
const TRUNCATION_NOTE = (dropped) => `\n\n> **Report truncated:** ${dropped} characters were left out to stay under the comment size limit.`;
/**
 * Keeps whole sections while they fit, cuts the first one that does not at a line boundary (closing
 * an open <details>), and says so visibly.
 */
function fitToLimit(sections, max) {
    const full = sections.join('\n\n');
    if (full.length <= max)
        return full;
    const budget = max - TRUNCATION_NOTE(full.length).length - '\n</details>'.length;
    let out = '';
    for (const section of sections) {
        const next = out === '' ? section : `${out}\n\n${section}`;
        if (next.length <= budget) {
            out = next;
            continue;
        }
        const lines = section.split('\n');
        let partial = out === '' ? '' : `${out}\n\n`;
        for (const line of lines) {
            if (partial.length + line.length + 1 > budget)
                break;
            partial += `${line}\n`;
        }
        out = partial.trimEnd();
        break;
    }
    const opened = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
    if (opened > 0)
        out += '\n</details>';
    return out + TRUNCATION_NOTE(full.length - out.length);
}
/** Everything behind the table, folded: the rules, other figures, provenance, sensors, notes. */
function renderDetails(j) {
    const parts = [`**Rules checked** (budget ${esc(j.input.budget.source)})`, renderRulesTable(j)];
    const more = renderMoreFigures(j);
    if (more)
        parts.push('**More figures**', more);
    parts.push('**Where the numbers come from**', renderProvenance(j));
    const notes = renderNotes(j);
    if (notes)
        parts.push('**Notes**', notes);
    const rules = j.rules.length === 1 ? '1 rule' : `${j.rules.length} rules`;
    return `<details><summary>How this was judged: ${rules}, baseline, sensors and notes</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}
function renderReport(j, options) {
    const sections = [];
    if (options.marker !== null)
        sections.push(commentMarker(options.marker));
    sections.push(renderHeadline(j));
    sections.push(renderComparisonTable(j));
    sections.push(renderDetails(j));
    const charts = renderCharts(options.history ?? [], j);
    if (charts)
        sections.push(charts);
    // the marker and headline share the top lines: the marker must be the very first line
    const [first, ...rest] = sections;
    // Every section but the marker is neutralised once more: user values reach the tables, notes
    // and code spans through several helpers, and none of them may carry an HTML comment marker.
    const safe = (options.marker !== null ? rest : sections).map(neutralizeHtmlComments);
    const body = options.marker !== null ? [`${first}\n${safe[0]}`, ...safe.slice(1)] : safe;
    return fitToLimit(body, options.maxChars ?? REPORT_MAX_CHARS);
}

const plain$1 = (s) => s;
/** Columns padded to their widest cell; the last column is left ragged. */
function alignColumns(rows) {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
    return rows.map((r) => r
        .map((cell, c) => c === r.length - 1 ? cell : cell.padEnd(widths[c] + cell.length - [...cell].length))
        .join('  ')
        .trimEnd());
}
function renderTerminal(j) {
    const line = describeVerdictLine(j, plain$1);
    const series = j.input.series && j.input.series !== 'default' ? ` (${j.input.series})` : '';
    const out = [`${line.icon} ${line.word}${series}: ${line.sentence}`];
    if (line.second)
        out.push(line.second);
    out.push('', ...alignColumns(buildComparisonRows(j, plain$1)).map((l) => `  ${l}`), '');
    if (j.rules.length === 0)
        out.push(`Rules: the budget (${j.input.budget.source}) sets none.`);
    else {
        out.push(`Rules (budget ${j.input.budget.source}):`);
        for (const r of j.rules) {
            const name = r.subject ? `${r.rule} (${r.subject})` : r.rule;
            out.push(`  - ${name}: ${describeRuleStatus(r)}; ${r.actual}; limit ${r.limit}`);
            out.push(`      ${r.explanation}`);
        }
    }
    const b = j.input.baseline;
    out.push(b
        ? `Baseline: ${b.record.commit ? `commit ${b.record.commit.slice(0, 12)}` : 'a record with no commit'}, ${b.reason}`
        : 'Baseline: none recorded for this series yet');
    out.push(`Compared on: ${j.basisNote}`);
    if (j.change)
        out.push(`Statistics: ${j.change.noiseNote}`);
    const notes = [
        ...new Set([
            ...j.notes,
            ...(j.input.run.measurement.notices ?? []),
            ...(j.input.run.measurement.metricErrors ?? [])
        ])
    ].filter((n) => n !== ESTIMATE_NOTE);
    if (notes.length > 0)
        out.push('Notes:', ...notes.map((n) => `  - ${n}`));
    return out.join('\n');
}

function buildCheckResult(input) {
    return {
        schema: CHECK_RESULT_SCHEMA,
        series: input.settings.name,
        carbonIntensity: input.settings.carbonIntensity,
        pue: input.settings.pue,
        record: input.record,
        baseline: input.baseline,
        baselineReason: input.baselineReason,
        budget: input.budget,
        budgetProblem: input.budgetProblem ?? null,
        noiseFloor: input.noiseFloor,
        projection: input.projection,
        curveSentence: input.curveSentence,
        notes: input.notes
    };
}
// judge() is the whole decision, partial runs and a missing trusted budget included
function judgeResult(result) {
    return judge({
        series: result.series,
        run: {
            measurement: result.record.measurement,
            normalization: result.record.normalization,
            commit: result.record.commit,
            runner: result.record.runner ?? null,
            calibrationCreatedAt: result.record.calibrationCreatedAt ?? null
        },
        baseline: result.baseline
            ? { record: result.baseline.record, reason: result.baseline.reason }
            : null,
        budget: result.budget,
        carbonIntensity: result.carbonIntensity,
        pue: result.pue,
        noiseFloor: result.noiseFloor,
        projection: result.projection
            ? { kwh: result.projection.kwh, interval: result.projection.interval }
            : null,
        now: result.record.recordedAt,
        budgetProblem: result.budgetProblem ?? null,
        notes: [
            ...(result.baseline ? [] : [`No baseline: ${result.baselineReason}.`]),
            ...(result.curveSentence ? [`Energy versus performance: ${result.curveSentence}`] : []),
            ...(result.projection?.detail ? [`Projection: ${result.projection.detail}.`] : []),
            ...result.notes
        ]
    });
}
function renderCheckResult(result, options = {}) {
    const j = judgeResult(result);
    const report = renderReport(j, { marker: result.series, history: options.history ?? [] });
    const m = result.record.measurement;
    return {
        verdict: j.verdict,
        report,
        summaryText: renderTerminal(j),
        result: { ...result, verdict: j.verdict },
        energyKwh: j.run.measuredKwh,
        normalizedEnergyKwh: j.run.normalizedKwh,
        energyDeltaPercent: j.change ? j.change.change * 100 : null,
        co2Grams: j.run.carbon.grams,
        commandExitCode: m.exitCode,
        interrupted: m.interrupted === true,
        budgetProblem: result.budgetProblem ?? null,
        judgement: j
    };
}

/** Metric keys a training script may report to say how long the full training will be. */
const PLANNED_KEYS = { epoch: 'planned_epochs', step: 'planned_steps' };
function analyseProgress(m, budget) {
    const notes = [];
    let sentence = null;
    const metric = budget.price?.metric &&
        m.progress.some((p) => typeof p.values[budget.price.metric] === 'number')
        ? budget.price.metric
        : pickDefaultMetric(m.progress);
    if (metric) {
        const analysis = analyseCurve(m.progress, {
            metric,
            direction: budget.metrics[metric],
            priceKwhPerUnit: budget.price?.metric === metric ? budget.price.kwhPerUnit : null
        });
        // a power model's energy follows its own formula, not this training's progress
        const estimated = m.components.some((c) => c.method === 'estimate');
        if (analysis && analysis.points.length >= 2)
            sentence = describeCurve(analysis, 0.95, { advise: !estimated });
    }
    const planned = m.metrics[PLANNED_KEYS.epoch] ?? m.metrics[PLANNED_KEYS.step] ?? null;
    let projection = null;
    if (planned !== null) {
        try {
            const p = projectFromProgress(m.progress, planned, { projectedKwh: budget.projectedKwh });
            projection = {
                kwh: toKwh(p.projectedJ),
                interval: [toKwh(p.interval[0]), toKwh(p.interval[1])],
                detail: `projected from ${p.observed} of ${p.planned} ${p.unit}s (${p.method}; linear extrapolation would say ${formatEnergy(p.linearJ)})`
            };
        }
        catch (error) {
            notes.push(`no projection: ${error.message}`);
        }
    }
    else if (budget.projectedKwh !== null) {
        notes.push(`projected-kwh is set but the run reported no ${PLANNED_KEYS.epoch} (or ${PLANNED_KEYS.step}) through the metrics file, so nothing was projected`);
    }
    return { sentence, projection, notes };
}

const percent = (f) => f === null ? 'unset' : `${Number((f * 100).toFixed(4))}%`;
const plain = (v) => (v === null ? 'unset' : String(v));
function ruleValues(b) {
    const out = new Map([
        ['energy-kwh', plain(b.energyKwh)],
        ['energy-increase', percent(b.energyIncrease)],
        ['co2-grams', plain(b.co2Grams)],
        ['price', b.price ? `${b.price.kwhPerUnit} kWh per +1 ${b.price.metric}` : 'unset'],
        ['projected-kwh', plain(b.projectedKwh)]
    ]);
    for (const [metric, drop] of Object.entries(b.metricDrop))
        out.set(`metric-drop.${metric}`, String(drop));
    for (const [metric, direction] of Object.entries(b.metrics))
        out.set(`metrics.${metric}`, direction);
    return out;
}
/** "energy-increase 10% → 5000%; energy-kwh 2 → unset", or null when the rules are the same. */
function describeBudgetChange(base, head) {
    const before = ruleValues(base);
    const after = ruleValues(head);
    const keys = [...new Set([...before.keys(), ...after.keys()])];
    const changes = keys
        .map((k) => [k, before.get(k) ?? 'unset', after.get(k) ?? 'unset'])
        .filter(([, a, b]) => a !== b)
        .map(([k, a, b]) => `${k} ${a} → ${b}`);
    return changes.length === 0 ? null : changes.join('; ');
}

// Where the budget comes from. A pull request's checkout is the change being judged: it may delete
// or loosen the budget, so a pull request is judged with the budget file of its BASE commit, read
// from git, and the change it proposes is shown as what applies after merge.
const candidates = (settings, dirs) => [
    ...new Set(dirs.map((d) => resolve(d, settings.budgetFile)))
];
async function readIfPresent(path) {
    try {
        return await readFile(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return null;
        throw new UsageError(`budget-file: cannot read ${JSON.stringify(path)} (${error.message}); expected a YAML budget file`);
    }
}
/** The first budget file found on disk from `dirs` (in order), or null; a broken one is an error. */
async function findBudgetFile(settings, dirs) {
    for (const path of candidates(settings, dirs)) {
        const text = await readIfPresent(path);
        if (text !== null)
            return parseBudget(text, settings.budgetFile);
    }
    return null;
}
const missingBudget = (settings, tried) => {
    if (settings.budgetFile === DEFAULTS.budgetFile) {
        return {
            budget: EMPTY_BUDGET,
            notes: [
                `no budget file at ${settings.budgetFile}: only the run's figures are reported, no rule is checked`
            ],
            problem: null
        };
    }
    throw new UsageError(`budget-file: ${JSON.stringify(settings.budgetFile)} not found (looked in ${tried.join(', ')}); expected a YAML budget file`);
};
/**
 * The budget file on disk, looked up from the command's directory and then the repository root. The
 * default path may be absent (no rules); a path the user named may not.
 */
async function loadBudget(settings, ...dirs) {
    const found = await findBudgetFile(settings, dirs);
    if (found)
        return { budget: found, note: null };
    return {
        budget: EMPTY_BUDGET,
        note: missingBudget(settings, candidates(settings, dirs)).notes[0]
    };
}
/** The budget at `sha`, same lookup order; a path outside the repository is read from disk. */
async function readBudgetAt(settings, dirs, top, sha, source) {
    for (const path of candidates(settings, dirs)) {
        const rel = relative$1(top.cwd, path);
        const text = rel.startsWith('..') || isAbsolute(rel)
            ? await readIfPresent(path)
            : await readFileAt(top, sha, rel.split(sep).join('/'));
        if (text !== null)
            return parseBudget(text, source);
    }
    return null;
}
/** The pull request's own budget, only to describe what it would change after merge. */
async function readHeadBudget(settings, dirs) {
    try {
        return { budget: await findBudgetFile(settings, dirs), error: null };
    }
    catch (error) {
        return { budget: null, error: error.message };
    }
}
async function loadBaseBudget(settings, req) {
    const untrusted = (why) => ({
        budget: EMPTY_BUDGET,
        notes: [],
        problem: `the base commit's budget could not be read: ${why}`,
        baseSha: null
    });
    const topDir = await readRepositoryRoot({ cwd: req.cwd, env: req.env });
    if (topDir === null)
        return untrusted(`${req.cwd} is not inside a git repository`);
    const top = { cwd: topDir, env: req.env };
    const lookup = await resolveCommit(top, req.base);
    if (lookup.sha === null)
        return untrusted(lookup.problem);
    const sha = lookup.sha;
    const short = sha.slice(0, 7);
    // git names the top folder by its real path; resolve the others the same way before comparing
    const dirs = await Promise.all([req.cwd, req.root].map((d) => realpath(d).catch(() => d)));
    const base = await readBudgetAt(settings, dirs, top, sha, `${settings.budgetFile} at base ${short}`);
    const head = await readHeadBudget(settings, dirs);
    const file = settings.budgetFile;
    const after = 'applies after merge';
    if (base) {
        const change = head.error
            ? `its budget file does not parse (${head.error})`
            : head.budget === null
                ? `it deletes ${file}`
                : describeBudgetChange(base, head.budget);
        const notes = change
            ? [
                `This pull request changes the budget: ${change}. The new budget ${after}; this run is judged with the base commit's budget (${short}).`
            ]
            : [];
        return { budget: base, notes, problem: null, baseSha: sha };
    }
    if (head.budget || head.error) {
        const what = head.error ? `a budget file that does not parse (${head.error})` : file;
        return {
            budget: { ...EMPTY_BUDGET, source: `none at base ${short}` },
            notes: [
                `The base commit ${short} has no budget file; this pull request adds ${what}, which ${after}. This run is judged with the base's empty budget: no rule is checked.`
            ],
            problem: null,
            baseSha: sha
        };
    }
    return { ...missingBudget(settings, candidates(settings, dirs)), baseSha: sha };
}

// check and record: measure -> normalise -> compare -> judge -> report -> store. The CLI and the
// action both call these; they differ only in where the store lives and how the report is posted.
/**
 * The budget that judges this run: with a base commit (a pull request, or the CLI's `--base`) the
 * base's budget read from git, since the checkout is the change under review; else the checkout's.
 */
async function chooseBudget(settings, cwd, root, base, env) {
    if (base)
        return loadBaseBudget(settings, { cwd, root, base, env: env.vars });
    const { budget, note } = await loadBudget(settings, cwd, root);
    return { budget, notes: note ? [note] : [], problem: null, baseSha: null };
}
/** --record on a checkout with local changes: the record names HEAD, which is not what ran. */
async function describeDirtyTree(at, log) {
    const changed = await countChangedFiles(at);
    if (!changed)
        return false;
    log(`joulegate: warning: ${changed} tracked file${changed === 1 ? '' : 's'} differ from HEAD; this run is recorded against HEAD with "dirty": true`);
    return true;
}
/** A store that cannot be reached costs the comparison, not the run; a corrupt file is an error. */
async function readHistorySafely(ctx, series) {
    try {
        const history = await ctx.store.readHistory(series);
        return { history, note: describeSkippedLines(history).join('; ') || null };
    }
    catch (error) {
        if (error instanceof UsageError)
            throw error;
        ctx.log(`joulegate: cannot read history from ${ctx.store.description}: ${error.message}`);
        return {
            history: [],
            note: `history could not be read from ${ctx.store.description} (${error.message}), so there is no baseline`
        };
    }
}
/** The baseline a run is compared with, as buildCheckResult takes it. */
function chooseBaseline(history, baseSha, ancestry) {
    const choice = selectBaseline({
        records: history,
        baseCommit: baseSha,
        ancestry: ancestry?.shas ?? null,
        shallow: ancestry?.shallow
    });
    const baseline = choice.record
        ? {
            // several records at the baseline commit are pooled into one with repeat statistics
            record: poolBaselineRecords(choice.records) ?? choice.record,
            reason: choice.reason,
            commit: choice.commit
        }
        : null;
    return { baseline, baselineReason: choice.reason };
}
function commandSpecOf(settings, argv) {
    if (argv && argv.length > 0)
        return { argv };
    if (settings.command)
        return { shell: settings.command };
    throw new UsageError('command: no command given; expected the training command to measure');
}
async function runCheck(settings, ctx) {
    const cwd = ctx.cwd;
    const root = ctx.workspace ?? cwd;
    // output paths, carbon intensity and calibration files: a mistake costs nothing yet
    await runPreflight(settings, { root, outputs: ctx.outputs ?? [] });
    // a budget next to the command (a project in a monorepo) wins over one at the repository root
    const chosen = await chooseBudget(settings, cwd, root, ctx.baseSha, ctx.env);
    const budget = chosen.budget;
    const baseSha = chosen.baseSha ?? ctx.baseSha;
    const spec = commandSpecOf(settings, ctx.argv ?? null);
    // History is read before the training runs: a store that cannot be read fails fast, and a
    // corrupt history file (exit 2) never costs a training run.
    const { history, note: historyNote } = await readHistorySafely(ctx, settings.name);
    // a store the run could not be recorded into is found out before the training, not after it
    if (settings.record)
        await ctx.store.checkWritable?.(settings.name);
    const measurement = ctx.measurement ??
        (await runMeasurement(spec, settings, {
            env: ctx.env,
            cwd,
            log: ctx.log,
            signal: ctx.signal,
            onTick: ctx.onTick,
            onStep: ctx.onStep
        }));
    const ancestry = await readAncestryForBaseline({ cwd, env: ctx.env.vars }, { records: history, baseCommit: baseSha }, { log: ctx.log });
    const headCommit = ctx.headSha ?? ancestry?.shas[0] ?? null;
    const pair = await findCalibrations(measurement.host.fingerprint, {
        cwd: root,
        localFile: settings.calibration,
        referenceFile: settings.referenceCalibration,
        store: ctx.store
    });
    // the series is the workload family: a calibration point of it on both hosts anchors the figure
    measurement.family ??= settings.name;
    const { normalization, note: normNote } = normalizeWith(measurement, pair);
    const record = {
        schema: RESULT_SCHEMA,
        series: settings.name,
        commit: headCommit,
        recordedAt: new Date().toISOString(),
        runner: ctx.env.runnerName,
        measurement,
        normalization,
        calibrationFingerprint: pair.local?.host.fingerprint ?? null,
        calibrationCreatedAt: pair.local?.createdAt ?? null
    };
    if (settings.record && (await describeDirtyTree({ cwd, env: ctx.env.vars }, ctx.log)))
        record.dirty = true;
    const progress = analyseProgress(measurement, budget);
    const notes = [...chosen.notes, historyNote, normNote, ...pair.notes, ...progress.notes].filter((n) => Boolean(n));
    const result = buildCheckResult({
        settings,
        record,
        ...chooseBaseline(history, baseSha, ancestry),
        budget,
        budgetProblem: chosen.problem,
        noiseFloor: pair.local ? noiseFloorFromCalibration(pair.local.points) : null,
        projection: progress.projection,
        curveSentence: progress.sentence,
        notes
    });
    const outcome = renderCheckResult(result, { history });
    if (settings.record) {
        // the verdict goes with the record, so the dashboard's last verdicts need no re-judging
        await ctx.store.appendRecord(settings.name, { ...record, verdict: outcome.verdict });
        ctx.log(`joulegate: recorded this run in ${ctx.store.description} (series ${settings.name}, commit ${headCommit ?? 'unknown'})`);
    }
    return outcome;
}

export { exitCodeForVerdict as e, runCheck as r };
