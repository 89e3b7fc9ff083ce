import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { U as UsageError } from './mod.js';
import { c as calibrationKindOf, b as describeUnusableKind, i as isMadeOnEstimates } from './calibration-codec.js';

// The kernel model: a Gaussian-weighted, locally linear fit of the calibration points' log ratios
// in GPU-use space, with the width chosen by leave-one-out error on the points themselves. A fixed-shape
// model (one power law) stops improving after a handful of points; this one keeps learning the
// ratio's non-linear dependence on GPU use as a runner's calibration grows.
/**
 * Widths tried, as multiples of the spread of GPU use among the points. The narrow end (a few
 * percent of the spread) lets a large calibration act like nearest neighbours: with 32 points,
 * configurations of one workload family sit at nearly the same GPU use, and the closest point's
 * ratio beats any smooth curve through all of them (Zeus, 32 points: 13.6% → 10.1% on the selection
 * draws). Leave-one-out picks it only when the points support it.
 */
const WIDTH_GRID = [0.01, 0.02, 0.035, 0.05, 0.08, 0.12, 0.18, 0.25, 0.35, 0.5, 0.7, 1, 1.5, 2.5, 4];
/** The narrowest width of a smooth fit: the anchored correction needs a trend, not a step. */
const SMOOTH_MIN_WIDTH = 0.08;
/**
 * Shrinkage of the local slope, in squared ln-use units per unit weight: a slope read from a few
 * nearby points that span a narrow range of GPU use (say ±20%) is mostly their noise, and
 * extrapolating it to a job outside that range is where six-point calibrations went most wrong.
 * It adds 0.05 to the weighted variance of use, so a slope over a wide, well-spread range is
 * almost untouched. Chosen on the selection draws (0, 0.01, 0.05; 0.05 was best on both datasets).
 */
const SLOPE_SHRINKAGE = 0.05;
/** How much smaller the LOO error without shrinkage must be for the whole slope to be used. */
const WHOLE_SLOPE_GAIN = 0.5;
const sd = (xs) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};
// Locally linear, not a local mean: the ratio slopes with GPU use (a power law is a line in these
// log units), and a local mean flattens that slope at the edges of the calibrated range, where a
// different card's workloads often land. The widest width is the global log-log fit.
function predictAt(points, width, x, skip = -1, shrinkage = SLOPE_SHRINKAGE) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < points.length; i++) {
        if (i === skip)
            continue;
        // the floor keeps a far-away query defined: it falls back to the nearest points
        const w = Math.exp(-0.5 * ((points[i].x - x) / width) ** 2) + 1e-300;
        sw += w;
        sx += w * points[i].x;
        sy += w * points[i].y;
    }
    if (!(sw > 0))
        return points[0].y;
    const mx = sx / sw;
    const my = sy / sw;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < points.length; i++) {
        if (i === skip)
            continue;
        const w = Math.exp(-0.5 * ((points[i].x - x) / width) ** 2) + 1e-300;
        sxx += w * (points[i].x - mx) ** 2;
        sxy += w * (points[i].x - mx) * (points[i].y - my);
    }
    // points that all sit at one GPU use carry no slope: their weighted mean is the estimate
    return sxx > 1e-12 * sw ? my + (sxy / (sxx + shrinkage * sw)) * (x - mx) : my;
}
/** The width (in use units) with the smallest mean |LOO error| at this shrinkage; ties go wider. */
function chooseKernelWidth(points, smooth, shrinkage) {
    const spread = sd(points.map((p) => p.x)) || 0.1;
    if (points.length < 3)
        return { width: spread * WIDTH_GRID[WIDTH_GRID.length - 1], error: 0 };
    let best = { width: spread, error: Infinity };
    for (const factor of WIDTH_GRID.filter((f) => !smooth || f >= SMOOTH_MIN_WIDTH)) {
        const width = spread * factor;
        const error = points.reduce((s, p, i) => s + Math.abs(p.y - predictAt(points, width, p.x, i, shrinkage)), 0) / points.length;
        if (error <= best.error + 1e-12)
            best = { width, error };
    }
    return best;
}
/**
 * The width, and whether to shrink the slope: the slope is kept whole only when the points follow
 * it so closely that leave-one-out error halves without the shrinkage (a card pair whose ratio is a
 * clean power law of GPU use); on noisy points the shrinkage stays.
 */
function chooseKernelFit(points, smooth) {
    const shrunk = chooseKernelWidth(points, smooth, SLOPE_SHRINKAGE);
    const whole = chooseKernelWidth(points, smooth, 0);
    return whole.error < WHOLE_SLOPE_GAIN * shrunk.error
        ? { width: whole.width, shrinkage: 0 }
        : { width: shrunk.width, shrinkage: SLOPE_SHRINKAGE };
}
/**
 * Fits the kernel model; the width is chosen on the training points only. `smooth` keeps the width
 * at or above SMOOTH_MIN_WIDTH: an anchored estimate uses the model only for the difference between
 * the job's and the anchor's GPU use, and a nearest-neighbour step prices that difference by
 * whichever foreign point happens to be closest (on the selection draws the anchored error rose from
 * 7.2% to 7.6% on Zeus and from 5.8% to 6.2% on ML.ENERGY without it).
 */
function fitKernel(points, smooth = false) {
    const { width, shrinkage } = chooseKernelFit(points, smooth);
    return (x) => predictAt(points, width, x, -1, shrinkage);
}

// Candidate models for the log energy ratio ln(E_reference / E_local) of one workload, fitted on
// the workloads both calibration files share. Every model maps a workload's local features to a
// predicted log ratio; working in logs makes ratios symmetric and errors relative.
const MODEL_NAMES = [
    'single-ratio',
    'geometric-mean',
    'log-log',
    'similarity-weighted',
    'multivariate',
    'loo-weighted',
    'kernel'
];
/** Which features each model needs; the selection skips a model whose inputs are missing. */
const MODEL_NEEDS = {
    'single-ratio': [],
    'geometric-mean': [],
    'log-log': ['logPower'],
    'similarity-weighted': ['logPower'],
    multivariate: ['logPower'],
    'loo-weighted': ['logPower'],
    kernel: ['logPower']
};
/** The models loo-weighted averages. The geometric mean and the multivariate model are left out:
 *  on the selection splits either one in the mix made both datasets worse (see docs/normalisation.md). */
const WEIGHTED_MEMBERS = ['log-log', 'similarity-weighted'];
/** The multivariate model's optional regressors: used when every point and the query have them. */
const MULTIVARIATE_EXTRAS = ['logParams', 'logFlopRate'];
/** Gaussian kernel width in ln(power): 0.25 ≈ a 28% power difference. Chosen on selection seeds. */
const SIMILARITY_BANDWIDTH = 0.25;
/** Ridge penalty on standardised features: n is about six, so the fit must shrink hard. */
const RIDGE_LAMBDA = 1;
/** ln(power) plus every optional regressor that all points and the query share. */
function multivariateKeys(points, query, use = 'logPower') {
    const extras = MULTIVARIATE_EXTRAS.filter((k) => query[k] !== null && points.every((p) => p.features[k] !== null));
    return [use, ...extras];
}
/** ln(power fraction) when every point and the query have it, else ln(power). */
function chooseUseKey(points, query) {
    const all = query.logPowerFraction !== null && points.every((p) => p.features.logPowerFraction !== null);
    return all ? 'logPowerFraction' : 'logPower';
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** Theil–Sen slope: the median pairwise slope. One odd workload cannot swing it, unlike OLS. */
function fitTheilSen(xs, ys) {
    const slopes = [];
    for (let i = 0; i < xs.length; i++) {
        for (let j = i + 1; j < xs.length; j++) {
            const dx = xs[j] - xs[i];
            if (Math.abs(dx) > 1e-6)
                slopes.push((ys[j] - ys[i]) / dx);
        }
    }
    if (slopes.length === 0)
        return { intercept: median(ys), slope: 0 };
    const slope = median(slopes);
    return { slope, intercept: median(ys.map((y, i) => y - slope * xs[i])) };
}
/** Ridge regression on standardised columns; returns a predictor over raw feature vectors. */
function fitRidge(rows, ys, lambda) {
    const p = rows[0].length;
    const mu = Array.from({ length: p }, (_, j) => mean(rows.map((r) => r[j])));
    const sd = Array.from({ length: p }, (_, j) => {
        const v = mean(rows.map((r) => (r[j] - mu[j]) ** 2));
        return Math.sqrt(v) || 1;
    });
    const z = rows.map((r) => r.map((x, j) => (x - mu[j]) / sd[j]));
    const yMean = mean(ys);
    const a = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => z.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? lambda : 0)));
    const b = Array.from({ length: p }, (_, i) => z.reduce((s, r, k) => s + r[i] * (ys[k] - yMean), 0));
    const beta = solve(a, b);
    return (row) => yMean + row.reduce((s, x, j) => s + ((x - mu[j]) / sd[j]) * beta[j], 0);
}
/** Gaussian elimination with partial pivoting; the ridge term keeps the matrix well conditioned. */
function solve(a, b) {
    const n = b.length;
    const m = a.map((row, i) => [...row, b[i]]);
    for (let c = 0; c < n; c++) {
        let pivot = c;
        for (let r = c + 1; r < n; r++)
            if (Math.abs(m[r][c]) > Math.abs(m[pivot][c]))
                pivot = r;
        [m[c], m[pivot]] = [m[pivot], m[c]];
        for (let r = c + 1; r < n; r++) {
            const f = m[r][c] / m[c][c];
            for (let k = c; k <= n; k++)
                m[r][k] -= f * m[c][k];
        }
    }
    const x = new Array(n).fill(0);
    for (let r = n - 1; r >= 0; r--) {
        let s = m[r][n];
        for (let k = r + 1; k < n; k++)
            s -= m[r][k] * x[k];
        x[r] = s / m[r][r];
    }
    return x;
}
const featureValue = (f, key) => {
    const v = f[key];
    if (v === null)
        throw new Error(`feature ${key} is missing`);
    return v;
};
/** Fits one model on the training points; the caller guarantees the needed features exist. */
function fitModel(model, points, options = {}) {
    const ys = points.map((p) => p.logRatio);
    const use = options.use ?? 'logPower';
    switch (model) {
        case 'single-ratio': {
            const base = points.find((p) => p.workload === options.baseline) ?? points[0];
            return () => base.logRatio;
        }
        case 'geometric-mean': {
            const m = mean(ys);
            return () => m;
        }
        case 'log-log': {
            const { intercept, slope } = fitTheilSen(points.map((p) => featureValue(p.features, use)), ys);
            return (f) => intercept + slope * featureValue(f, use);
        }
        case 'similarity-weighted': {
            const xs = points.map((p) => featureValue(p.features, use));
            return (f) => {
                const x = featureValue(f, use);
                const w = xs.map((xi) => Math.exp(-0.5 * ((xi - x) / SIMILARITY_BANDWIDTH) ** 2) + 1e-12);
                return w.reduce((s, wi, i) => s + wi * ys[i], 0) / w.reduce((s, wi) => s + wi, 0);
            };
        }
        case 'multivariate': {
            const keys = options.keys ?? multivariateKeys(points, points[0].features, use);
            const predict = fitRidge(points.map((p) => keys.map((k) => featureValue(p.features, k))), ys, RIDGE_LAMBDA);
            return (f) => predict(keys.map((k) => featureValue(f, k)));
        }
        case 'kernel': {
            const predict = fitKernel(points.map((p) => ({ x: featureValue(p.features, use), y: p.logRatio })), options.smooth ?? false);
            return (f) => predict(featureValue(f, use));
        }
        case 'loo-weighted': {
            const members = weighMembers(points, options);
            const fits = members.map((m) => fitModel(m.model, points, options));
            return (f) => members.reduce((s, m, i) => s + m.weight * fits[i](f), 0);
        }
    }
}
/**
 * Weights of the loo-weighted average: 1 / (mean |LOO ln error|)², an inverse-variance rule on the
 * members' leave-one-out errors. With six points the LOO choice of one model is a coin toss
 * between near-equal ones; averaging keeps what each gets right (chosen on the selection splits).
 */
function weighMembers(points, options = {}) {
    const members = WEIGHTED_MEMBERS.map((model) => {
        const residuals = computeLooResiduals(model, points, options);
        const meanAbs = residuals.reduce((s, r) => s + Math.abs(r), 0) / residuals.length;
        // a perfect LOO fit would get an infinite weight; 1e-6 in ln units is far below any noise
        return { model, residuals, raw: 1 / Math.max(meanAbs, 1e-6) ** 2 };
    });
    const total = members.reduce((s, m) => s + m.raw, 0);
    return members.map(({ model, residuals, raw }) => ({ model, residuals, weight: raw / total }));
}
/** Whether every training point and the query carry the features the model needs. */
function hasFeatures(model, points, query) {
    const present = MODEL_NEEDS[model].every((k) => query[k] !== null && points.every((p) => p.features[k] !== null));
    // with no extra regressor the multivariate model is the log-log model fitted worse
    if (model === 'multivariate')
        return present && multivariateKeys(points, query).length > 1;
    return present;
}
/** Leave-one-out residuals (truth − prediction, in ln units) of a model on the points. */
function computeLooResiduals(model, points, options = {}) {
    if (model === 'loo-weighted') {
        // the weighted members' own LOO residuals, with the weights fitted on all points: nesting the
        // weighting inside the LOO as well gave 85-86% coverage of 80% intervals on the selection splits
        const members = weighMembers(points, options);
        return points.map((_, i) => members.reduce((s, m) => s + m.weight * m.residuals[i], 0));
    }
    return points.map((held, i) => {
        const rest = points.filter((_, j) => j !== i);
        return held.logRatio - fitModel(model, rest, options)(held.features);
    });
}

// What a normalised figure rests on. A calibration point of the job's own workload family (the
// repository's training, run on both machines) is the strongest evidence: DCASE asks every
// participant to run the baseline on their own hardware for that reason. Suite points fill in
// how the ratio moves with GPU use; the interval comes from out-of-sample errors of the same kind
// as the one being made (same family, an unseen family, or an unknown one).
/** Share of the anchor in an anchored estimate; the rest is the suite model (selection splits). */
const ANCHOR_WEIGHT = 1;
/** How much of the suite model's difference between the job's and the anchor's GPU use is added. */
const ANCHOR_CORRECTION = 0.5;
/**
 * An anchored error grows with how far the job's GPU use is from its anchor's: a repository's
 * training run at another batch size than its calibration run moves along its own curve, which the
 * suite only guesses. The anchored interval scales with √(floor² + Δuse²) (ln units); the floor is
 * the error left when the two run alike. Chosen on the selection draws (0.1, 0.2, 0.4).
 */
const ANCHOR_SCALE_FLOOR = 0.4;
/**
 * The anchored residuals come from other families than the job's, whose spread within a family
 * differs (one family's batch sizes move its ratio three times as much as another's): the
 * quantile is taken at 85% so that the interval covers about 80% of jobs of a family it has not
 * seen vary (chosen on the selection draws among 80%, 85%, 88%).
 */
const ANCHORED_LEVEL = 0.85;
/** ln ratio of the job predicted from its family's anchors and the suite model. */
function predictAnchored(suite, anchors, query) {
    const atQuery = suite(query);
    const fromAnchors = anchors.reduce((s, a) => s + a.logRatio + ANCHOR_CORRECTION * (atQuery - suite(a.features)), 0) / anchors.length;
    return ANCHOR_WEIGHT * fromAnchors + (1 - ANCHOR_WEIGHT) * atQuery;
}
const familyOf = (p) => p.family ?? p.workload;
/** How much wider than at the anchor's own GPU use an anchored interval is at the job's. */
function scaleAnchored(anchors, query, use) {
    const key = use ?? 'logPower';
    const at = query[key];
    const squares = anchors.map((a) => {
        const x = a.features[key];
        return at === null || x === null ? 0 : (at - x) ** 2;
    });
    const meanSquare = squares.reduce((s, d) => s + d, 0) / Math.max(squares.length, 1);
    return Math.sqrt(ANCHOR_SCALE_FLOOR ** 2 + meanSquare);
}
/**
 * Out-of-sample residuals (truth − prediction, ln units) for the interval of one case:
 * - unknown-family: leave one point out (the pooled error over workloads like the calibration's);
 * - unseen-family: leave the point's whole family out, so the residual includes the between-family
 *   error a never-calibrated family has (wider than leave-one-out when families repeat);
 * - anchored: each point predicted from another point of its own family (as the anchor) and a model
 *   fitted without that family, divided by scaleAnchored (the interval multiplies it back at the
 *   job's distance from its anchor); null when no family has two points (no such evidence).
 */
function computeCaseResiduals(evidence, model, points, options) {
    const without = (keep) => points.filter(keep);
    if (evidence === 'unknown-family' || evidence === 'unseen-family') {
        const out = [];
        for (const [i, held] of points.entries()) {
            const rest = evidence === 'unknown-family'
                ? without((_, j) => j !== i)
                : without((p) => familyOf(p) !== familyOf(held));
            if (rest.length < 2)
                continue;
            out.push(held.logRatio - fitModel(model, rest, options)(held.features));
        }
        return out.length >= 2 ? out : null;
    }
    const out = [];
    const families = new Set(points.map(familyOf));
    for (const family of families) {
        const members = points.filter((p) => familyOf(p) === family);
        const rest = without((p) => familyOf(p) !== family);
        if (members.length < 2 || rest.length < 2)
            continue;
        const suite = fitModel(model, rest, options);
        for (const held of members) {
            const anchors = members.filter((p) => p !== held);
            out.push((held.logRatio - predictAnchored(suite, anchors, held.features)) /
                scaleAnchored(anchors, held.features, options.use));
        }
    }
    return out.length >= 2 ? out : null;
}
const pct = (x) => `${(x * 100).toFixed(1)}%`;
/** One line for reports: anchor, suite points, model, LOO error, the interval's basis. */
function describeEvidence(e) {
    const anchor = e.evidence === 'anchored'
        ? `anchor: ${e.anchors.join(', ')} (family ${e.family})`
        : e.evidence === 'unseen-family'
            ? `no calibration of this workload family (${e.family})`
            : 'workload family not given (no anchor)';
    return `${anchor}; ${e.suitePoints} suite points; model ${e.model}, LOO error ${pct(e.looError)}; interval from ${e.intervalFrom}`;
}

// Cross-hardware normalisation: the energy a measured job would have taken on the reference host.
// Candidate models are fitted on the workloads both calibrations share; the estimate averages the
// power-based ones weighted by their leave-one-out errors, and the 80% interval comes from the
// leave-one-out residuals of that average.
/** One-sided 90% Student t quantiles by degrees of freedom, for intervals from very few points. */
const T90 = [Infinity, 3.078, 1.886, 1.638, 1.533, 1.476, 1.44, 1.415, 1.397, 1.383];
const Z90 = 1.2816;
const INTERVAL_LEVEL = 0.8;
/** The model used when none is forced (chosen on the selection half of the evaluation's draws). */
const AUTOMATIC_MODEL = 'kernel';
/** Fewer than two shared workloads, or a model asked for without its inputs. */
class NormalizationError extends UsageError {
    constructor(message) {
        super(message);
        this.name = 'NormalizationError';
    }
}
/** Sum of the host's GPU power limits: the limit of a point that does not name its own, since
 *  calibrate records the power summed over every GPU of the host. */
function hostPowerLimit(local) {
    if (powerKindOf(local) !== 'gpu' || local.host.gpus.length === 0)
        return null;
    const limits = local.host.gpus.map((g) => g.powerLimitW ?? null);
    if (limits.some((l) => l === null || l <= 0))
        return null;
    return limits.reduce((a, b) => a + b, 0);
}
function featuresOfPoint(local, ref, hostLimit) {
    const params = local.params ?? ref.params;
    const flops = local.flops ?? ref.flops;
    const limit = local.powerLimitW ?? hostLimit;
    return {
        logPower: Math.log(local.meanPowerW),
        logPowerFraction: limit === null ? null : Math.log(local.meanPowerW / limit),
        logParams: params === undefined ? null : Math.log(params),
        logFlopRate: flops === undefined ? null : Math.log(flops / local.durationS)
    };
}
/** Device kind whose mean power the local calibration recorded. */
function powerKindOf(local) {
    return local.powerOf ?? (local.host.gpus.length > 0 ? 'gpu' : 'cpu');
}
/**
 * Features of the measurement on the local host. Power is the sum over the devices of the
 * calibrated kind, the same quantity a multi-device calibration point records; the power fraction
 * divides it by the sum of those devices' limits, so that a job on eight GPUs at half load and one
 * on a single GPU at half load look alike (their total powers differ eightfold).
 */
function featuresOfMeasurement(local, m, notices) {
    const kind = powerKindOf(local);
    const devices = m.components.filter((c) => c.kind === kind);
    const powers = devices.map((c) => c.meanPowerW ?? (c.energyJ === null ? null : c.energyJ / m.durationS));
    let logPower = null;
    let logPowerFraction = null;
    if (devices.length === 0 || powers.some((p) => p === null)) {
        notices.push(`the measurement has no ${kind} component with meanPowerW or energyJ`);
    }
    else {
        const total = powers.reduce((a, b) => a + b, 0);
        const limits = devices.map((c) => c.powerLimitW);
        if (total > 0)
            logPower = Math.log(total);
        else
            notices.push(`the measurement's ${kind} mean power is 0 W`);
        if (total > 0 && limits.every((l) => l !== null && l > 0))
            logPowerFraction = Math.log(total / limits.reduce((a, b) => a + b, 0));
    }
    let flops = m.metrics.flops;
    if (flops === undefined && m.metrics.macs !== undefined) {
        flops = 2 * m.metrics.macs;
        notices.push('flops taken as 2 × macs (one multiply-add is two operations)');
    }
    return {
        logPower,
        logPowerFraction,
        logParams: m.metrics.params === undefined ? null : Math.log(m.metrics.params),
        logFlopRate: flops === undefined ? null : Math.log(flops / m.durationS)
    };
}
/** Local and reference points of the workloads both calibrations contain, in local order. */
function findSharedPoints(local, reference) {
    const byName = new Map(reference.points.map((p) => [p.workload, p]));
    return local.points.flatMap((p) => {
        const r = byName.get(p.workload);
        return r ? [{ local: p, reference: r }] : [];
    });
}
function halfWidth(residuals, level = INTERVAL_LEVEL) {
    const n = residuals.length;
    const abs = residuals.map(Math.abs).sort((a, b) => a - b);
    // position (n+1)·0.8 among the sorted |residuals|: a new residual is equally likely to fall in
    // each of the n+1 gaps, so the k-th smallest covers k/(n+1). With six points the whole ranks
    // give 71% or 86%; interpolating between them aims at 80% itself (Hyndman–Fan type 6)
    const position = (n + 1) * level;
    let h;
    if (position <= n) {
        const k = Math.floor(position);
        h = abs[k - 1] + (position - k) * ((abs[k] ?? abs[k - 1]) - abs[k - 1]);
    }
    else {
        // too few points for a rank (n < 4): Student t on the residuals' root mean square
        const rms = Math.sqrt(abs.reduce((s, r) => s + r * r, 0) / n);
        h = (T90[Math.min(n - 1, T90.length - 1)] ?? Z90) * rms * Math.sqrt(1 + 1 / n);
    }
    return h;
}
function describeReference(reference) {
    const gpus = reference.host.gpus.map((g) => g.name).join(', ');
    const what = gpus || reference.host.cpu || 'reference host';
    return reference.host.fingerprint ? `${what} (${reference.host.fingerprint})` : what;
}
/**
 * Why these calibrations must not normalise this measurement, or null. A quick calibration is a
 * smoke run at a small scale (its energies read 400% off a full one's); one made on estimated
 * energy says nothing about how real hardware compares.
 */
function findUnusableCalibration(local, reference, measurement, allowQuick) {
    // a measurement whose every component is an estimate may be compared with estimates
    const measured = measurement.components.length === 0 ||
        measurement.components.some((c) => c.method !== 'estimate');
    for (const [cal, what] of [
        [local, 'the local calibration'],
        [reference, 'the reference calibration']
    ]) {
        const kind = calibrationKindOf(cal);
        if (kind === 'quick' && !allowQuick)
            return `${describeUnusableKind(kind, what)}; use a full calibration, or --allow-quick to use it anyway`;
        if (isMadeOnEstimates(cal) && measured)
            return describeUnusableKind('estimate', what);
    }
    return null;
}
/** The pure core behind `joulegate normalize`: one measurement, two calibrations. */
function normalizeMeasurement(local, reference, measurement, options = {}) {
    const unusable = findUnusableCalibration(local, reference, measurement, options.allowQuick ?? false);
    if (unusable)
        throw new NormalizationError(unusable);
    const shared = findSharedPoints(local, reference);
    if (shared.length < 2)
        throw new NormalizationError(`the calibrations share ${shared.length} workload(s) (${shared.map((s) => s.local.workload).join(', ') || 'none'}); ` +
            `at least 2 are needed. Local has: ${local.points.map((p) => p.workload).join(', ')}; ` +
            `reference has: ${reference.points.map((p) => p.workload).join(', ')}`);
    if (options.baseline !== undefined && !shared.some((s) => s.local.workload === options.baseline))
        throw new NormalizationError(`--baseline "${options.baseline}" is not a shared workload; expected one of: ${shared.map((s) => s.local.workload).join(', ')}`);
    const hostLimit = hostPowerLimit(local);
    const all = shared.map((s) => {
        const family = s.local.family ?? s.reference.family;
        return {
            workload: s.local.workload,
            ...(family === undefined ? {} : { family }),
            features: featuresOfPoint(s.local, s.reference, hostLimit),
            logRatio: Math.log(s.reference.energyJ / s.local.energyJ)
        };
    });
    const family = options.family ?? measurement.family ?? null;
    const anchors = family === null ? [] : all.filter((p) => p.family === family);
    const evidence = family === null ? 'unknown-family' : anchors.length > 0 ? 'anchored' : 'unseen-family';
    const points = all.filter((p) => !anchors.includes(p));
    if (points.length < 2)
        throw new NormalizationError(`beside the anchor (${anchors.map((a) => a.workload).join(', ')}) the calibrations share ${points.length} suite workload(s); at least 2 are needed to model how the ratio moves with GPU use`);
    const notices = [];
    const query = featuresOfMeasurement(local, measurement, notices);
    const use = chooseUseKey(points, query);
    if (use === 'logPower' && query.logPower !== null && powerKindOf(local) === 'gpu')
        notices.push('GPU use taken as mean power, not power fraction: a power limit is missing (host.gpus[].powerLimitW or the measurement components); this assumes the same GPUs ran the calibration and the job');
    if (evidence === 'unseen-family')
        notices.push(`no calibration of this workload family (${family}): the estimate rests on the suite alone and its interval includes the error between families; calibrate --workload NAME=CMD --family ${family} on both machines to anchor it`);
    const fitOptions = { keys: multivariateKeys(points, query, use), use };
    if (options.baseline !== undefined)
        fitOptions.baseline = options.baseline;
    let candidates;
    let chosen;
    if (options.model !== undefined) {
        if (!hasFeatures(options.model, points, query))
            throw new NormalizationError(`model ${options.model} cannot be used: ${notices.join('; ') || 'the calibration points or the measurement lack the fields it needs (meanPowerW; flops or params for multivariate)'}`);
        candidates = [options.model];
        chosen = options.model;
    }
    else {
        // the single ratio is the baseline to beat, not a candidate: it is the geometric mean of one
        // point, so it only wins leave-one-out by luck and then generalises worst. The others are
        // scored (and shown); the estimate is the automatic model, or the geometric mean without power.
        candidates = MODEL_NAMES.filter((m) => m !== 'single-ratio' &&
            hasFeatures(m, points, query) &&
            (m !== 'multivariate' || points.length >= 5));
        chosen = candidates.includes(AUTOMATIC_MODEL) ? AUTOMATIC_MODEL : 'geometric-mean';
        const skipped = MODEL_NAMES.filter((m) => m !== 'single-ratio' && !candidates.includes(m));
        if (skipped.includes('log-log'))
            notices.push(`models that need power (${skipped.join(', ')}) were skipped; used ${chosen}`);
    }
    const weights = new Map(candidates.includes('loo-weighted')
        ? weighMembers(points, fitOptions).map((m) => [m.model, m.weight])
        : []);
    const scores = candidates.map((model) => {
        const residuals = computeLooResiduals(model, points, fitOptions);
        const weight = weights.get(model);
        return {
            model,
            residuals,
            looError: median(residuals.map((r) => Math.abs(Math.expm1(r)))),
            looMeanAbsLog: residuals.reduce((s, r) => s + Math.abs(r), 0) / residuals.length,
            ...(weight === undefined ? {} : { weight })
        };
    });
    const best = scores.find((c) => c.model === chosen);
    const anchorOptions = { ...fitOptions, smooth: true };
    const logRatio = evidence === 'anchored'
        ? predictAnchored(fitModel(best.model, points, anchorOptions), anchors, query)
        : fitModel(best.model, points, fitOptions)(query);
    const normalizedEnergyJ = measurement.energyJ * Math.exp(logRatio);
    const cvs = shared.map((s) => (s.local.cv ?? 0) ** 2 + (s.reference.cv ?? 0) ** 2);
    const noiseFloor = Z90 * Math.sqrt(cvs.reduce((a, b) => a + b, 0) / cvs.length);
    const caseResiduals = evidence === 'unknown-family'
        ? null
        : computeCaseResiduals(evidence, best.model, evidence === 'anchored' ? all : points, evidence === 'anchored' ? anchorOptions : fitOptions);
    const intervalFrom = caseResiduals === null
        ? `${points.length} leave-one-out residuals${evidence === 'anchored' ? " (no family has two points to measure an anchor's error: wider than needed)" : ''}`
        : evidence === 'anchored'
            ? `${caseResiduals.length} same-family residuals`
            : `${caseResiduals.length} leave-one-family-out residuals`;
    // anchored residuals are scaled to a common distance from their anchor: scale back to the job's
    const scaled = evidence === 'anchored' && caseResiduals !== null;
    const h = Math.max((scaled ? scaleAnchored(anchors, query, fitOptions.use) : 1) *
        halfWidth(caseResiduals ?? best.residuals, scaled ? ANCHORED_LEVEL : INTERVAL_LEVEL), noiseFloor);
    return {
        normalizedEnergyJ,
        interval: [normalizedEnergyJ * Math.exp(-h), normalizedEnergyJ * Math.exp(h)],
        model: best.model,
        looError: best.looError,
        pointsUsed: all.map((p) => p.workload),
        reference: describeReference(reference),
        evidence: describeEvidence({
            evidence,
            family,
            anchors: anchors.map((a) => a.workload),
            suitePoints: points.length,
            model: best.model,
            looError: best.looError,
            intervalFrom
        }),
        family,
        anchored: evidence === 'anchored',
        energyJ: measurement.energyJ,
        ratio: Math.exp(logRatio),
        method: 'estimate',
        candidates: scores.map(({ residuals: _residuals, ...score }) => score),
        notices
    };
}

export { AUTOMATIC_MODEL as A, MODEL_NAMES as M, NormalizationError as N, normalizeMeasurement as n };
