// One function per budget rule: each returns its figures (limit, actual), its status and a one-line
// explanation, so the verdict can list every rule it checked.
import type { CarbonFigure } from '../carbon.js'
import {
  formatGrams,
  formatInterval,
  formatKwh,
  formatPercent,
  formatSig
} from '../report/format.js'
import { decideAgainstLimit, type EnergyChange } from '../stats.js'
import type { Budget, Direction } from './budget-schema.js'

type RuleName =
  'energy-kwh' | 'energy-increase' | 'price' | 'co2-grams' | 'metric-drop' | 'projected-kwh'
type RuleStatus = 'pass' | 'fail' | 'inconclusive' | 'not-applicable'

export interface RuleResult {
  rule: RuleName
  /** the metric, for metric-drop */
  subject?: string
  status: RuleStatus
  limit: string
  actual: string
  explanation: string
  /** a rule whose judgement this one defers to (energy-increase defers to price) */
  supersededBy?: RuleName
  /** energy-increase and price: the relative change the budget allowed, for the headline */
  allowedChange?: number
  /** price: the metric's gain in its improving direction */
  gain?: number
}

export interface Projection {
  kwh: number
  /** 80% interval, kWh */
  interval: [number, number]
}

/** What the rules need to know about one side. */
export interface RuleSide {
  /** energy on the comparison basis (normalised when both sides have it), kWh */
  comparedKwh: number
  measuredKwh: number
  normalizedKwh: number | null
  normalizedIntervalKwh: [number, number] | null
  isEstimate: boolean
  /** how the energy was obtained, e.g. 'counter' or 'mixed, includes estimate' */
  energyMethod?: string
  metrics: Record<string, number>
  carbon: CarbonFigure
}

interface RuleContext {
  budget: Budget
  basis: 'normalized' | 'measured'
  run: RuleSide
  base: RuleSide | null
  change: EnergyChange | null
  projection: Projection | null
}

const conf = (c: EnergyChange): string => `${Math.round(c.confidence * 100)}%`
const est = (side: RuleSide): string =>
  side.isEstimate ? ` (${side.energyMethod ?? 'estimate'})` : ''
const noBaseline = (rule: RuleName, limit: string, subject?: string): RuleResult => ({
  rule,
  ...(subject === undefined ? {} : { subject }),
  status: 'not-applicable',
  limit,
  actual: '—',
  explanation: 'no baseline to compare with'
})

function describeChange(c: EnergyChange): string {
  return `${formatPercent(c.change)} (${conf(c)} interval ${formatInterval(c.interval, formatPercent)})`
}

function explainDecision(
  status: RuleStatus,
  c: EnergyChange,
  allowed: number,
  what: string
): string {
  if (status === 'fail')
    return `energy rose ${formatPercent(c.change)}; even the interval's lower bound ${formatPercent(c.interval[0])} exceeds the ${formatPercent(allowed)} ${what}`
  if (status === 'pass')
    return `the interval's upper bound ${formatPercent(c.interval[1])} is within the ${formatPercent(allowed)} ${what}`
  return `the ${formatPercent(allowed)} ${what} lies inside the interval: the difference is within the noise (repeat runs with --repeat 3, or calibrate the runner, to narrow it)`
}

function checkEnergyKwh(ctx: RuleContext, cap: number): RuleResult {
  const { run } = ctx
  const limit = `≤ ${formatKwh(cap)}`
  if (run.normalizedKwh !== null && run.normalizedIntervalKwh !== null) {
    const status = decideAgainstLimit(run.normalizedIntervalKwh, cap)
    const actual = `${formatKwh(run.normalizedKwh)} normalised (80% interval ${formatInterval(run.normalizedIntervalKwh, formatSig)})`
    const why =
      status === 'inconclusive'
        ? 'the cap lies inside the normalisation interval'
        : status === 'fail'
          ? 'the whole normalisation interval is over the cap'
          : 'the whole normalisation interval is within the cap'
    return {
      rule: 'energy-kwh',
      status,
      limit,
      actual,
      explanation: `normalised energy of one run: ${why}`
    }
  }
  const status = run.measuredKwh > cap ? 'fail' : 'pass'
  return {
    rule: 'energy-kwh',
    status,
    limit,
    actual: `${formatKwh(run.measuredKwh)} measured${est(run)}`,
    explanation: `measured energy of one run (no calibration, so not normalised) is ${status === 'fail' ? 'over' : 'within'} the cap`
  }
}

function checkEnergyIncrease(ctx: RuleContext, allowed: number): RuleResult {
  const limit = `≤ ${formatPercent(allowed)}`
  if (!ctx.change) return noBaseline('energy-increase', limit)
  const status = decideAgainstLimit(ctx.change.interval, allowed)
  return {
    rule: 'energy-increase',
    status,
    limit,
    actual: describeChange(ctx.change),
    explanation: explainDecision(status, ctx.change, allowed, 'allowed increase'),
    allowedChange: allowed
  }
}

/** Gain in the improving direction: positive is better. */
function metricGain(direction: Direction, base: number, run: number): number {
  return direction === 'higher' ? run - base : base - run
}

function checkPrice(ctx: RuleContext, metric: string, kwhPerUnit: number): RuleResult {
  const base = ctx.base
  const increase = ctx.budget.energyIncrease ?? 0
  const limit = `${formatPercent(increase)} + ${formatSig(kwhPerUnit)} kWh per +1.0 ${metric}`
  if (!base || !ctx.change) return noBaseline('price', limit)
  const direction = ctx.budget.metrics[metric]!
  const b = base.metrics[metric]
  const r = ctx.run.metrics[metric]
  if (b === undefined || r === undefined) {
    const missing = b === undefined ? 'the baseline' : 'this run'
    return {
      rule: 'price',
      status: 'not-applicable',
      limit,
      actual: '—',
      explanation: `${metric} is missing from ${missing}, so no gain can be priced`
    }
  }
  const gain = metricGain(direction, b, r)
  const paidKwh = kwhPerUnit * Math.max(gain, 0)
  const allowed = increase + paidKwh / base.comparedKwh
  const status = decideAgainstLimit(ctx.change.interval, allowed)
  const extraKwh = ctx.run.comparedKwh - base.comparedKwh
  const gainText = `${metric} ${gain >= 0 ? '+' : '−'}${formatSig(Math.abs(gain))} (${direction} is better)`
  const paid = gain > 0 ? `pays for ${formatKwh(paidKwh)}` : 'pays for nothing'
  return {
    rule: 'price',
    status,
    limit: `≤ ${formatPercent(allowed)} (${limit})`,
    actual: `${describeChange(ctx.change)}, ${extraKwh >= 0 ? '+' : '−'}${formatKwh(Math.abs(extraKwh))}; gain ${gainText}`,
    explanation: `the gain ${paid} on top of the ${formatPercent(increase)} allowance: ${explainDecision(status, ctx.change, allowed, 'allowed increase')}`,
    allowedChange: allowed,
    gain
  }
}

function checkMetricDrop(ctx: RuleContext, metric: string, maxLoss: number): RuleResult {
  const limit = `loss ≤ ${formatSig(maxLoss)}`
  if (!ctx.base) return noBaseline('metric-drop', limit, metric)
  const direction = ctx.budget.metrics[metric]!
  const b = ctx.base.metrics[metric]
  const r = ctx.run.metrics[metric]
  if (b === undefined)
    return {
      rule: 'metric-drop',
      subject: metric,
      status: 'not-applicable',
      limit,
      actual: '—',
      explanation: `the baseline did not report ${metric}`
    }
  if (r === undefined)
    return {
      rule: 'metric-drop',
      subject: metric,
      status: 'fail',
      limit,
      actual: 'not reported',
      explanation: `this run did not report ${metric}, which the baseline did`
    }
  const loss = -metricGain(direction, b, r)
  const status = loss > maxLoss ? 'fail' : 'pass'
  return {
    rule: 'metric-drop',
    subject: metric,
    status,
    limit,
    actual: `${formatSig(b, 4)} → ${formatSig(r, 4)} (${loss > 0 ? 'loss' : 'gain'} ${formatSig(Math.abs(loss))})`,
    explanation: `${metric} (${direction} is better) ${loss > 0 ? `lost ${formatSig(loss)}` : 'did not get worse'}; ${status === 'fail' ? 'more than' : 'within'} the allowed loss`
  }
}

function checkCo2(ctx: RuleContext, cap: number): RuleResult {
  const c = ctx.run.carbon
  const status = c.grams > cap ? 'fail' : 'pass'
  return {
    rule: 'co2-grams',
    status,
    limit: `≤ ${formatGrams(cap)}`,
    actual: `≈ ${formatGrams(c.grams)} (estimate)`,
    explanation: `${formatKwh(c.kwh)} measured × PUE ${c.pue} × ${c.intensity.gramsPerKwh} gCO2e/kWh (${c.intensity.label}) is ${status === 'fail' ? 'over' : 'within'} the cap`
  }
}

function checkProjectedKwh(ctx: RuleContext, cap: number): RuleResult {
  const limit = `≤ ${formatKwh(cap)}`
  const p = ctx.projection
  if (!p)
    return {
      rule: 'projected-kwh',
      status: 'not-applicable',
      limit,
      actual: '—',
      explanation: 'no projection of the full training was made for this run'
    }
  const status = decideAgainstLimit(p.interval, cap)
  return {
    rule: 'projected-kwh',
    status,
    limit,
    actual: `≈ ${formatKwh(p.kwh)} (estimate, 80% interval ${formatInterval(p.interval, formatSig)})`,
    explanation: `projected energy of the full training: the cap is ${status === 'inconclusive' ? 'inside' : status === 'fail' ? 'below' : 'above'} the projection's interval`
  }
}

/** Every rule the budget sets, in a fixed order; energy-increase defers to price when price was judged. */
export function evaluateRules(ctx: RuleContext): RuleResult[] {
  const b = ctx.budget
  const out: RuleResult[] = []
  if (b.energyIncrease !== null) out.push(checkEnergyIncrease(ctx, b.energyIncrease))
  if (b.price !== null) {
    const price = checkPrice(ctx, b.price.metric, b.price.kwhPerUnit)
    const inc = out.find((r) => r.rule === 'energy-increase')
    if (inc && price.status !== 'not-applicable') inc.supersededBy = 'price'
    out.push(price)
  }
  for (const [metric, loss] of Object.entries(b.metricDrop))
    out.push(checkMetricDrop(ctx, metric, loss))
  if (b.energyKwh !== null) out.push(checkEnergyKwh(ctx, b.energyKwh))
  if (b.co2Grams !== null) out.push(checkCo2(ctx, b.co2Grams))
  if (b.projectedKwh !== null) out.push(checkProjectedKwh(ctx, b.projectedKwh))
  return out
}
