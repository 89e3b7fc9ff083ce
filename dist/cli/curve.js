import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
import { readFile } from 'node:fs/promises';
import { p as projectFromProgress, a as parseBudget } from './parse-budget.js';
import { l as listNumericMetrics, p as pickDefaultMetric, g as guessDirection, a as analyseCurve, d as describeCurve } from './curve2.js';
import { I as INPUTS, U as UsageError, d as describeBadValue } from './mod.js';
import { m as markdownTable } from './index.js';
import { e as formatSig, f as formatEnergy, b as formatShare, t as toKwh } from './format.js';
import { a as positiveNumber, c as choiceOf, w as withHelp, C as COMMON } from './flags.js';
import { a as readTextFile } from './read-json-file.js';
import './simple-statistics.js';
import 'tty';
import 'util';
import 'fs';
import 'net';
import './ajv.js';
import 'process';
import 'buffer';
import './metrics-protocol.js';
import 'node:util';

// The curve view: a metric against the energy spent on it (targets reached, gain per kWh, the
// projection of a planned run), as markdown. Figures are written out in full, never `6.2e-5`.
const pct = (x) => formatShare(x, 0);
const nullableSig = (x) => x === null || x === undefined ? null : formatSig(x, 3);
function formatCurveMarkdown(a, sentence, projection) {
    const lines = [`### ${a.metric} against energy`, '', sentence, ''];
    lines.push(markdownTable([
        ['target', 'value', 'reached at', 'share of energy'],
        ...a.reach.map((r, k) => r === null
            ? [`${pct([0.9, 0.95, 0.99][k])}`, '—', 'never', '—']
            : [
                pct(r.fraction),
                formatSig(r.target, 4),
                formatEnergy(r.energyJ),
                pct(r.energyFraction)
            ])
    ]), '');
    lines.push(markdownTable([
        ['point', a.metric, 'energy', `gain per kWh (${a.direction} is better)`],
        ...a.points.map((p, i) => [
            p.at ? `${p.at.key} ${p.at.value}` : `#${i + 1}`,
            formatSig(p.value, 4),
            formatEnergy(p.energyJ),
            i === 0 ? '—' : (nullableSig(a.segments[i - 1].gainPerKwh) ?? 'no energy')
        ])
    ]), '');
    if (projection) {
        const kwh = (j) => `${formatSig(toKwh(j))} kWh`;
        lines.push(`Projected energy of ${projection.planned} ${projection.unit}s (estimate from ${projection.observed} measured): ${kwh(projection.projectedJ)}, ${Math.round(projection.level * 100)}% interval ${kwh(projection.interval[0])} to ${kwh(projection.interval[1])} (${projection.method === 'warm-up + robust mean' ? `the first ${projection.unit} counted once as a warm-up, the others at their robust mean` : `the robust mean of the ${projection.unit}s`}; linear extrapolation would say ${kwh(projection.linearJ)}).` +
            (projection.budget
                ? ` Budget projected-kwh ${projection.budget.projectedKwh}: ${projection.budget.status}.`
                : ''), '');
    }
    return lines.join('\n');
}

// joulegate curve FILE [--metric NAME] [--json] [--config BUDGET.yml] [--price KWH_PER_UNIT]
//                       [--direction higher|lower] [--planned N [--projected-kwh KWH]]
/** --config FILE must exist; without it, .github/joulegate.yml is used when present. */
async function readBudget(file) {
    const name = file ?? '.github/joulegate.yml';
    let text;
    try {
        text = await readFile(name, 'utf8');
    }
    catch (error) {
        if (file === undefined)
            return null;
        throw new UsageError(describeBadValue('--config', file, `a readable budget file (${error.code ?? String(error)})`));
    }
    return parseBudget(text, name);
}
async function readMeasurement(file) {
    const text = await readTextFile(file, 'FILE', 'a readable measurement file');
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new UsageError(describeBadValue('FILE', file, `JSON (${error.message})`));
    }
    const m = data;
    if (typeof data !== 'object' || data === null || !Array.isArray(m.progress)) {
        throw new UsageError(describeBadValue('FILE', file, 'a joulegate.measurement/v1 file with a "progress" list'));
    }
    return m;
}
const curve = {
    name: 'curve',
    summary: "energy against a metric over a measurement's progress: where training stopped paying",
    usage: `joulegate curve FILE [--metric NAME] [--config BUDGET.yml] [--price KWH_PER_UNIT]
                      [--direction higher|lower] [--planned N] [--projected-kwh KWH] [--json]`,
    description: "Energy versus performance from a measurement's progress (the metric lines stamped with energy).",
    flags: [
        {
            name: 'metric',
            type: 'string',
            value: 'NAME',
            field: 'metric',
            help: "the metric (default: the budget's price metric, else the first numeric key\nthat is not epoch/step/params/macs/flops)"
        },
        {
            name: 'config',
            type: 'string',
            value: 'FILE',
            input: INPUTS.budgetFile,
            help: 'budget file for metrics: directions, price and projected-kwh\n(default: .github/joulegate.yml when it exists; flags win over it)'
        },
        {
            name: 'price',
            type: 'string',
            value: 'KWH',
            field: 'price',
            parse: positiveNumber,
            help: "extra kWh you accept per +1.0 of the metric (the budget's price.kwh-per-unit);\nwithout it, the knee of the curve is reported instead"
        },
        {
            name: 'direction',
            type: 'string',
            value: 'D',
            field: 'direction',
            parse: choiceOf(['higher', 'lower'], 'higher or lower'),
            help: 'higher or lower is better (default: lower for names like loss/error/wer, else higher)'
        },
        {
            name: 'planned',
            type: 'string',
            value: 'N',
            field: 'planned',
            parse: (value, flag) => {
                const n = positiveNumber(value, flag);
                if (!Number.isInteger(n))
                    throw new UsageError(describeBadValue(flag, value, 'a whole number of epochs or steps'));
                return n;
            },
            help: 'project the energy of a full training of N epochs (or steps) from this run'
        },
        {
            name: 'projected-kwh',
            type: 'string',
            value: 'KWH',
            field: 'projectedKwh',
            parse: positiveNumber,
            help: "the budget's projected-kwh cap to compare the projection with"
        },
        withHelp(COMMON.json, 'print the analysis as JSON')
    ],
    run: runCurve
};
async function runCurve(...[settings, io]) {
    const [file, ...extra] = settings.positionals;
    if (file === undefined)
        throw new UsageError('curve: no measurement file given; expected "joulegate curve FILE"');
    if (extra.length > 0)
        throw new UsageError(describeBadValue('curve', extra, 'one measurement file'));
    const directionFlag = settings.direction ?? undefined;
    const priceFlag = settings.price;
    const planned = settings.planned;
    const budget = await readBudget(settings.given.has('config') ? settings.budgetFile : undefined);
    const measurement = await readMeasurement(file);
    const available = listNumericMetrics(measurement.progress);
    const budgetMetric = budget?.price && available.includes(budget.price.metric) ? budget.price.metric : null;
    const metric = settings.metric ?? budgetMetric ?? pickDefaultMetric(measurement.progress);
    if (metric === null) {
        throw new UsageError(describeBadValue('FILE', file, 'a progress list with at least one numeric metric (epoch/step/params/macs/flops do not count)'));
    }
    if (!available.includes(metric)) {
        throw new UsageError(`${describeBadValue('--metric', metric, 'a numeric metric of the progress list')}; available: ${available.join(', ') || 'none'}`);
    }
    // flags win over the budget file; the budget's price applies only to the metric it prices
    const direction = directionFlag ?? budget?.metrics[metric] ?? guessDirection(metric);
    const price = priceFlag ?? (budget?.price?.metric === metric ? budget.price.kwhPerUnit : null);
    const projectedKwh = settings.projectedKwh ?? budget?.projectedKwh ?? null;
    const analysis = analyseCurve(measurement.progress, {
        metric,
        direction,
        priceKwhPerUnit: price
    });
    const projection = planned === null ? null : projectFromProgress(measurement.progress, planned, { projectedKwh });
    const sentence = describeCurve(analysis);
    if (settings.json) {
        io.out(JSON.stringify({ metric, sentence, analysis, projection }, null, 2));
    }
    else {
        io.out(formatCurveMarkdown(analysis, sentence, projection));
    }
    return 0;
}

export { curve };
