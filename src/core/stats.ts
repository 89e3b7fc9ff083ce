// How sure are we that energy changed, and by how much? Everything is done on the log of the mean
// energy, so the interval is for the ratio run/base and stays positive; the relative noise (cv) of
// a mean of n runs is cv/sqrt(n) on that scale (delta method).
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import type { CalibrationPoint } from './types.js'

// simple-statistics' probit is off by ~3e-3 at 0.975; stdlib's is exact to double precision
const zQuantile = (p: number): number => normalQuantile(p, 0, 1)

/** Two-sided level of every interval the gate decides on: each bound is a one-sided 97.5% bound. */
const DECISION_CONFIDENCE = 0.95
/** The noise assumed for a single run when the runner has no calibration and none was supplied. */
export const DEFAULT_NOISE_CV = 0.05

type NoiseSource = 'calibration' | 'setting' | 'default'
export interface NoiseFloor {
  cv: number
  source: NoiseSource
}

/** One side of the comparison: the mean energy of n runs and, with n ≥ 2, their sample cv. */
export interface EnergySample {
  meanJ: number
  n: number
  cv: number | null
}

type ChangeState = 'increase' | 'decrease' | 'no-detectable-change'

export interface EnergyChange {
  /** run / base */
  ratio: number
  /** ratio - 1 (0.1 = +10%) */
  change: number
  /** interval for `change` at DECISION_CONFIDENCE */
  interval: [number, number]
  confidence: number
  method: 'welch-t' | 'normal-known-noise'
  /** Welch–Satterthwaite degrees of freedom, for welch-t */
  df: number | null
  /** standard error of log(ratio) */
  seLog: number
  baseCv: number
  runCv: number
  floor: NoiseFloor
  state: ChangeState
  /** how the noise was obtained, in words (says so when a default was used) */
  noiseNote: string
}

/**
 * The runner's noise floor from calibration: the largest cv among the calibration points that
 * report one (the worst case of the reference workloads), or null when none does.
 */
export function noiseFloorFromCalibration(points: readonly CalibrationPoint[]): NoiseFloor | null {
  const cvs = points
    .map((p) => p.cv)
    .filter((cv): cv is number => typeof cv === 'number' && Number.isFinite(cv) && cv >= 0)
  return cvs.length === 0 ? null : { cv: Math.max(...cvs), source: 'calibration' }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

function describeNoise(
  base: EnergySample,
  run: EnergySample,
  floor: NoiseFloor,
  method: EnergyChange['method']
): string {
  const sides = `base n=${base.n}, run n=${run.n}`
  if (method === 'welch-t')
    return `Welch t-interval on the repeats' own spread (${sides}); no calibrated noise floor`
  const origin =
    floor.source === 'default'
      ? `the default noise floor cv ${pct(floor.cv)} (no calibration: run \`calibrate\` or repeat both sides for a measured one)`
      : `the runner's noise floor cv ${pct(floor.cv)} from ${floor.source}`
  return `normal interval with ${origin}; a side with repeats uses its own cv when larger (${sides})`
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
export function compareEnergy(
  base: EnergySample,
  run: EnergySample,
  floorIn: NoiseFloor | null,
  extraLogVar = 0,
  confidence = DECISION_CONFIDENCE
): EnergyChange {
  if (!(base.meanJ > 0) || !(run.meanJ > 0))
    throw new Error('compareEnergy: energies must be positive')
  const floor = floorIn ?? { cv: DEFAULT_NOISE_CV, source: 'default' as const }
  const d = Math.log(run.meanJ / base.meanJ)
  const own = (s: EnergySample): number | null =>
    s.n >= 2 && s.cv !== null && Number.isFinite(s.cv) ? s.cv : null
  const baseOwn = own(base)
  const runOwn = own(run)
  const tail = 1 - (1 - confidence) / 2
  let method: EnergyChange['method'] = 'normal-known-noise'
  let baseCv =
    floor.source === 'default' || baseOwn === null
      ? (baseOwn ?? floor.cv)
      : Math.max(baseOwn, floor.cv)
  let runCv =
    floor.source === 'default' || runOwn === null
      ? (runOwn ?? floor.cv)
      : Math.max(runOwn, floor.cv)
  let df: number | null = null
  let half: number
  let se: number
  const welch =
    floor.source === 'default' && baseOwn !== null && runOwn !== null && baseOwn + runOwn > 0
  if (welch) {
    baseCv = baseOwn
    runCv = runOwn
    const vb = (baseCv * baseCv) / base.n
    const vr = (runCv * runCv) / run.n
    se = Math.sqrt(vb + vr + extraLogVar)
    df = (vb + vr) ** 2 / ((vb * vb) / (base.n - 1) + (vr * vr) / (run.n - 1))
    method = 'welch-t'
    half = tQuantile(tail, df) * se
  } else {
    if (floor.source === 'default') {
      // a side with repeats but no partner with repeats: its own cv, never below the default
      baseCv = Math.max(baseCv, floor.cv)
      runCv = Math.max(runCv, floor.cv)
    }
    se = Math.sqrt((baseCv * baseCv) / base.n + (runCv * runCv) / run.n + extraLogVar)
    half = zQuantile(tail) * se
  }
  const lo = Math.exp(d - half) - 1
  const hi = Math.exp(d + half) - 1
  const state: ChangeState = lo > 0 ? 'increase' : hi < 0 ? 'decrease' : 'no-detectable-change'
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
  }
}

type Decision = 'pass' | 'fail' | 'inconclusive'

/**
 * A limit on a quantity known only within an interval: fail when even the interval's lower bound
 * is over the limit, pass when its upper bound is within it, inconclusive when the limit lies
 * inside the interval (the difference is within the noise).
 */
export function decideAgainstLimit(interval: readonly [number, number], limit: number): Decision {
  if (interval[0] > limit) return 'fail'
  if (interval[1] <= limit) return 'pass'
  return 'inconclusive'
}

/** log-scale standard deviation implied by an 80% interval [lo, hi] of a positive quantity. */
export function logSdFromInterval80(interval: readonly [number, number]): number {
  const [lo, hi] = interval
  if (!(lo > 0) || !(hi >= lo)) return 0
  return Math.log(hi / lo) / (2 * zQuantile(0.9))
}
