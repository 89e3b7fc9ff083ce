// Energy versus performance from a measurement's progress: when was most of the final value reached,
// what did each later kWh buy, and where did training stop paying for itself.
import { RESERVED_METRIC_KEYS, downsampleProgress } from '../measure/metrics-protocol.js'
import type { ProgressPoint } from '../types.js'
import { formatEnergy, JOULES_PER_KWH } from '../report/format.js'

export type Direction = 'higher' | 'lower'

interface CurvePoint {
  energyJ: number
  elapsedS: number
  value: number
  /** the epoch (or step) of the metric line, when the line carried one */
  at: { key: 'epoch' | 'step'; value: number } | null
}

interface ReachPoint {
  fraction: number
  /** higher: fraction × final value; lower: first − fraction × (first − final) */
  target: number
  index: number
  energyJ: number
  /** energyJ / the energy at the last point of the curve */
  energyFraction: number
}

interface Segment {
  fromJ: number
  toJ: number
  /** the change of the metric, signed so that a positive gain is an improvement */
  gain: number
  /** gain per kWh; null when the segment used no energy */
  gainPerKwh: number | null
}

interface StopPoint {
  method: 'price' | 'knee'
  index: number
  energyJ: number
  energyFraction: number
  /** price: the slope (gain per kWh) the budget asks for, 1 / kwhPerUnit */
  requiredGainPerKwh: number | null
}

export interface CurveAnalysis {
  metric: string
  direction: Direction
  points: CurvePoint[]
  firstValue: number
  finalValue: number
  totalEnergyJ: number
  reach: (ReachPoint | null)[]
  segments: Segment[]
  /** null: still paying at the end (price), or no knee (fewer than 3 points, a flat or falling curve) */
  stop: StopPoint | null
  priceKwhPerUnit: number | null
}

const REACH_FRACTIONS = [0.9, 0.95, 0.99] as const
const LOWER_IS_BETTER = /(loss|error|err$|wer|cer|perplexity|ppl|mae|mse|rmse|latency)/i

/** A guess used only when neither a flag nor the budget's `metrics:` says the direction. */
export function guessDirection(metric: string): Direction {
  return LOWER_IS_BETTER.test(metric) ? 'lower' : 'higher'
}

/** The first numeric key, in the order lines reported it, that is not reserved (epoch, step, params, ...). */
export function pickDefaultMetric(progress: readonly ProgressPoint[]): string | null {
  const reserved = new Set<string>(RESERVED_METRIC_KEYS)
  for (const point of progress) {
    for (const [key, value] of Object.entries(point.values)) {
      if (!reserved.has(key) && typeof value === 'number' && Number.isFinite(value)) return key
    }
  }
  return null
}

export function listNumericMetrics(progress: readonly ProgressPoint[]): string[] {
  const reserved = new Set<string>(RESERVED_METRIC_KEYS)
  const keys = new Set<string>()
  for (const p of progress)
    for (const [k, v] of Object.entries(p.values))
      if (!reserved.has(k) && typeof v === 'number') keys.add(k)
  return [...keys]
}

/** The points that carry a finite value of the metric, in energy order. */
export function extractCurve(progress: readonly ProgressPoint[], metric: string): CurvePoint[] {
  return progress
    .filter((p) => typeof p.values[metric] === 'number' && Number.isFinite(p.values[metric]))
    .map((p) => {
      const epoch = p.values.epoch
      const step = p.values.step
      const at =
        typeof epoch === 'number'
          ? { key: 'epoch' as const, value: epoch }
          : typeof step === 'number'
            ? { key: 'step' as const, value: step }
            : null
      return { energyJ: p.energyJ, elapsedS: p.elapsedS, value: p.values[metric] as number, at }
    })
    .sort((a, b) => a.energyJ - b.energyJ)
}

function findReach(
  points: CurvePoint[],
  direction: Direction,
  fraction: number,
  total: number
): ReachPoint | null {
  const first = points[0]!.value
  const final = points[points.length - 1]!.value
  // higher: the talk's "95% of the final psds1"; lower (a loss): 95% of the way from the first to the final value,
  // because "95% of the final loss" would be reached before the loss had fallen to it
  const target = direction === 'higher' ? fraction * final : first - fraction * (first - final)
  const index = points.findIndex((p) =>
    direction === 'higher' ? p.value >= target : p.value <= target
  )
  if (index < 0) return null
  const energyJ = points[index]!.energyJ
  return { fraction, target, index, energyJ, energyFraction: total > 0 ? energyJ / total : 0 }
}

function signedGain(direction: Direction, from: number, to: number): number {
  return direction === 'higher' ? to - from : from - to
}

/**
 * The earliest point after which no later stretch of training bought its energy at the price:
 * for every later point j, gain(i -> j) / kWh(i -> j) < 1 / kwhPerUnit. Comparing with every later
 * point, not the next one, keeps one noisy epoch from declaring the stop too early.
 */
export function findPriceStop(
  points: CurvePoint[],
  direction: Direction,
  kwhPerUnit: number
): number | null {
  const required = 1 / kwhPerUnit
  for (let i = 0; i < points.length - 1; i++) {
    let paid = false
    for (let j = i + 1; j < points.length && !paid; j++) {
      const kwh = (points[j]!.energyJ - points[i]!.energyJ) / JOULES_PER_KWH
      const gain = signedGain(direction, points[i]!.value, points[j]!.value)
      // a relative tolerance so that a gain exactly at the price is not lost to floating-point rounding
      paid = kwh <= 0 ? gain > 0 : gain / kwh >= required * (1 - 1e-9)
    }
    if (!paid) return i
  }
  return null
}

/**
 * The knee (Kneedle, Satopää et al. 2011, without smoothing): with energy and improvement both
 * scaled to [0, 1] between the first and the last point, the point farthest above the chord.
 */
export function findKnee(points: CurvePoint[], direction: Direction): number | null {
  if (points.length < 3) return null
  const e0 = points[0]!.energyJ
  const eSpan = points[points.length - 1]!.energyJ - e0
  const gains = points.map((p) => signedGain(direction, points[0]!.value, p.value))
  // a loop, not Math.max(...gains): spreading a long progress list overflows the call stack
  let gMin = Infinity
  let gMax = -Infinity
  for (const g of gains) {
    if (g < gMin) gMin = g
    if (g > gMax) gMax = g
  }
  const gSpan = gMax - gMin
  if (eSpan <= 0 || gSpan <= 0) return null
  let best: number | null = null
  let bestDistance = 0
  for (let i = 1; i < points.length - 1; i++) {
    const distance = (gains[i]! - gMin) / gSpan - (points[i]!.energyJ - e0) / eSpan
    if (distance > bestDistance) {
      bestDistance = distance
      best = i
    }
  }
  return best
}

export function analyseCurve(
  progress: readonly ProgressPoint[],
  options: { metric: string; direction?: Direction; priceKwhPerUnit?: number | null }
): CurveAnalysis | null {
  // thinned like a recorded run, so a measurement file from elsewhere with a point per step stays
  // cheap: the price stop compares every pair of points
  const points = extractCurve(downsampleProgress(progress), options.metric)
  if (points.length === 0) return null
  const direction = options.direction ?? guessDirection(options.metric)
  const total = points[points.length - 1]!.energyJ
  const segments: Segment[] = points.slice(1).map((p, k) => {
    const prev = points[k]!
    const kwh = (p.energyJ - prev.energyJ) / JOULES_PER_KWH
    const gain = signedGain(direction, prev.value, p.value)
    return { fromJ: prev.energyJ, toJ: p.energyJ, gain, gainPerKwh: kwh > 0 ? gain / kwh : null }
  })
  const price = options.priceKwhPerUnit ?? null
  const stopIndex =
    price !== null ? findPriceStop(points, direction, price) : findKnee(points, direction)
  const stop: StopPoint | null =
    stopIndex === null
      ? null
      : {
          method: price !== null ? 'price' : 'knee',
          index: stopIndex,
          energyJ: points[stopIndex]!.energyJ,
          energyFraction: total > 0 ? points[stopIndex]!.energyJ / total : 0,
          requiredGainPerKwh: price !== null ? 1 / price : null
        }
  return {
    metric: options.metric,
    direction,
    points,
    firstValue: points[0]!.value,
    finalValue: points[points.length - 1]!.value,
    totalEnergyJ: total,
    reach: REACH_FRACTIONS.map((f) => findReach(points, direction, f, total)),
    segments,
    stop,
    priceKwhPerUnit: price
  }
}

const pct = (x: number): string => `${Math.round(x * 100)}%`
const where = (p: CurvePoint): string => (p.at ? ` (${p.at.key} ${p.at.value})` : '')

interface DescribeOptions {
  /**
   * false when the energy figures are estimates (no sensor; on a shared host a power model cannot
   * tell this training's energy from its neighbours'): the curve is described, no stop advised
   */
  advise?: boolean
}

/** The metric improved from the first progress point to the one at `index`. */
function improvedBy(analysis: CurveAnalysis, index: number): boolean {
  const gain = analysis.points[index]!.value - analysis.firstValue
  return analysis.direction === 'higher' ? gain > 0 : gain < 0
}

/**
 * One sentence for the pull request report. A stop point is advised only when it is sound: at
 * least three progress points, a metric that rose before the stop point (a curve that stays at 0
 * has no point where it "stopped paying"), and measured, not estimated, energy.
 */
export function describeCurve(
  analysis: CurveAnalysis,
  fraction = 0.95,
  options: DescribeOptions = {}
): string {
  const { metric, points, stop } = analysis
  if (points.length < 2)
    return `Only one ${metric} value was reported, so there is no curve to read.`
  const reach = analysis.reach.find((r) => r?.fraction === fraction) ?? null
  const goal =
    analysis.direction === 'higher' ? `of the final ${metric}` : `of the ${metric} improvement`
  if (!improvedBy(analysis, points.length - 1))
    return `${metric} did not improve during training (${analysis.firstValue} at the first report, ${analysis.finalValue} at the last), so there is no point where training stopped paying for itself.`
  const head = reach
    ? `${pct(fraction)} ${goal} was reached after ${pct(reach.energyFraction)} of the energy${where(points[reach.index]!)}`
    : `${pct(fraction)} ${goal} was never reached`
  if (options.advise === false)
    return `${head}; the energy figures are estimates, so no stop point is advised.`
  if (points.length < 3)
    return `${head}; with only ${points.length} progress points no stop point is advised.`
  if (stop === null) {
    return analysis.priceKwhPerUnit !== null
      ? `${head}, and training still paid for itself at ${analysis.priceKwhPerUnit} kWh per +1.0 ${metric} up to the end.`
      : `${head}.`
  }
  if (!improvedBy(analysis, stop.index)) return `${head}.`
  const rest = analysis.totalEnergyJ - stop.energyJ
  const tail =
    stop.method === 'price'
      ? `at ${analysis.priceKwhPerUnit} kWh per +1.0 ${metric}, training stopped paying for itself after ${pct(stop.energyFraction)} of the energy${where(points[stop.index]!)}: the last ${formatEnergy(rest)} bought less than the price`
      : `the knee of the curve is at ${pct(stop.energyFraction)} of the energy${where(points[stop.index]!)}`
  return `${head}; ${tail}.`
}
