// Project a full training's energy from a short run of the same training (its first epochs or steps).
// carbontracker multiplies the mean of the observed epochs by the planned count; this counts a first
// epoch that stands out (compilation, data caching, cuDNN autotuning happen once) only once, estimates
// the steady per-epoch energy with an outlier-resistant mean, and gives a Student-t interval.
import { median, medianAbsoluteDeviation } from 'simple-statistics'
import { UsageError, describeBadValue } from './errors.js'
import type { ProgressPoint } from './types.js'
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import { JOULES_PER_KWH } from './report/format.js'

interface UnitEnergy {
  /** the epoch (or step) number reported by the metric line that closed it */
  index: number
  energyJ: number
  durationS: number
  /** how many units this one stands for: >1 when the units between two lines had none (mean energy each) */
  span: number
}

export interface Projection {
  unit: 'epoch' | 'step'
  observed: number
  planned: number
  /** warm-up: the first unit stood out and is counted once as measured, the rest at the steady rate */
  method: 'warm-up + robust mean' | 'robust mean'
  firstJ: number
  /** the steady energy of one unit: mean after clipping to median ± 3 robust sd */
  perUnitJ: number
  projectedJ: number
  /** central interval at `level`, from the dispersion of the observed units */
  interval: [number, number]
  level: number
  /** where the dispersion came from: the observed units, or the floor when they were too few or too alike */
  dispersion: 'observed' | 'floor'
  /** carbontracker's linear extrapolation, for comparison: mean of all observed units × planned */
  linearJ: number
  budget: { projectedKwh: number; status: 'under' | 'over' | 'straddles' } | null
}

interface ProjectionOptions {
  /** cap on the projected energy (budget `projected-kwh`) */
  projectedKwh?: number | null
  /** central interval level, default 0.8 */
  level?: number
  /** smallest relative standard deviation of one unit's energy; 0.02 by default (not measured: a floor) */
  minRelativeSd?: number
}

// MAD -> standard deviation for normal data
const MAD_TO_SD = 1.4826

/** The energy of each completed unit (epoch, else step) from cumulative progress stamps. */
export function deriveUnitEnergies(progress: readonly ProgressPoint[]): {
  unit: 'epoch' | 'step'
  units: UnitEnergy[]
} {
  const unit = progress.some((p) => typeof p.values.epoch === 'number') ? 'epoch' : 'step'
  const closing = new Map<number, ProgressPoint>()
  // several lines may report the same epoch (train loss, then validation): the last one closes it
  for (const p of progress) {
    const v = p.values[unit]
    if (typeof v === 'number' && Number.isFinite(v)) closing.set(v, p)
  }
  const ordered = [...closing.entries()].sort((a, b) => a[0] - b[0])
  let prevJ = 0
  let prevS = 0
  let prevIndex: number | null = null
  return {
    unit,
    units: ordered.map(([index, p]) => {
      // a stretch of whole units without a line of their own (a script logging every 10th step,
      // progress thinned to MAX_PROGRESS_POINTS) is shared evenly among its units
      // (the first line's own number of units, counted from 0 or 1)
      const gap = prevIndex === null ? index : index - prevIndex
      const span = Number.isInteger(index) && Number.isInteger(gap) && gap > 1 ? gap : 1
      const u = {
        index,
        energyJ: (p.energyJ - prevJ) / span,
        durationS: (p.elapsedS - prevS) / span,
        span
      }
      prevJ = p.energyJ
      prevS = p.elapsedS
      prevIndex = index
      return u
    })
  }
}

/** Robust location and scale: the mean after clipping to median ± 3 robust sd (a Huber-style mean). */
function estimateRate(units: readonly number[]): { rate: number; sd: number } {
  const med = median([...units])
  const sd = units.length >= 2 ? MAD_TO_SD * medianAbsoluteDeviation([...units]) : 0
  const clipped = units.map((u) => Math.min(med + 3 * sd, Math.max(med - 3 * sd, u)))
  return { rate: clipped.reduce((a, b) => a + b, 0) / clipped.length, sd }
}

export function projectEnergy(
  unitEnergiesJ: readonly number[],
  planned: number,
  options: ProjectionOptions & { unit?: 'epoch' | 'step'; observedUnits?: number } = {}
): Projection {
  const n = unitEnergiesJ.length
  if (n === 0)
    throw new UsageError(describeBadValue('progress', [], 'at least one completed epoch or step'))
  if (!Number.isInteger(planned) || planned < 1) {
    throw new UsageError(
      describeBadValue('planned', planned, 'a whole number of epochs or steps >= 1')
    )
  }
  const level = options.level ?? 0.8
  const floor = options.minRelativeSd ?? 0.02
  const first = unitEnergiesJ[0]!
  const later = unitEnergiesJ.slice(1)
  const linearJ = (unitEnergiesJ.reduce((s, e) => s + e, 0) / n) * planned
  // the first unit is a warm-up only when it stands out from the others: above their level by
  // 3 robust sd and by at least 10%; otherwise it is an ordinary unit and pooling it helps
  const laterFit = later.length > 0 ? estimateRate(later) : null
  const warmup =
    laterFit !== null && first > laterFit.rate + Math.max(3 * laterFit.sd, 0.1 * laterFit.rate)
  const pooled = warmup ? later : [...unitEnergiesJ]
  const fit = estimateRate(pooled)
  const m = pooled.length
  const floorSd = floor * fit.rate
  const sd = Math.max(fit.sd, floorSd)
  const remaining = warmup ? planned - 1 : planned
  const projectedJ = warmup
    ? planned === 1
      ? first
      : first + remaining * fit.rate
    : planned * fit.rate
  // two parts: the unknown steady rate (its standard error, times every remaining unit) and the
  // scatter of the remaining units around it (grows only with their square root)
  const rateSe = sd / Math.sqrt(m)
  const totalSd = Math.sqrt((remaining * rateSe) ** 2 + remaining * sd ** 2)
  // Student's t for the few units a short run gives; with one unit there is no dispersion to scale
  const q = 0.5 + level / 2
  const z = m >= 2 ? tQuantile(q, m - 1) : normalQuantile(q, 0, 1)
  const low = Math.max(warmup ? first : 0, projectedJ - z * totalSd)
  const interval: [number, number] = [low, projectedJ + z * totalSd]
  const cap = options.projectedKwh ?? null
  const budget =
    cap === null
      ? null
      : {
          projectedKwh: cap,
          status:
            interval[1] / JOULES_PER_KWH <= cap
              ? ('under' as const)
              : interval[0] / JOULES_PER_KWH > cap
                ? ('over' as const)
                : ('straddles' as const)
        }
  return {
    unit: options.unit ?? 'epoch',
    observed: options.observedUnits ?? n,
    planned,
    method: warmup ? 'warm-up + robust mean' : 'robust mean',
    firstJ: first,
    perUnitJ: fit.rate,
    projectedJ,
    interval,
    level,
    dispersion: m >= 2 && fit.sd >= floorSd ? 'observed' : 'floor',
    linearJ,
    budget
  }
}

/** From a measurement's progress straight to a projection. */
export function projectFromProgress(
  progress: readonly ProgressPoint[],
  planned: number,
  options: ProjectionOptions = {}
): Projection {
  const { unit, units } = deriveUnitEnergies(progress)
  return projectEnergy(
    units.map((u) => u.energyJ),
    planned,
    { ...options, unit, observedUnits: units.reduce((sum, u) => sum + u.span, 0) }
  )
}
