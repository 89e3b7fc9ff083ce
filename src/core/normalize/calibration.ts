// Pure pieces of `joulegate calibrate`: one point from repeated runs, and drift between two
// calibrations of the same host (driver update, thermal trouble, a new card).
import { UsageError, describeBadValue } from '../errors.js'
import type { Calibration, CalibrationPoint } from '../types.js'

export interface WorkloadRun {
  energyJ: number
  durationS: number
  meanPowerW: number
  flops?: number
  params?: number
  /** GPUs whose power meanPowerW sums, and the sum of their power limits */
  gpuCount?: number
  powerLimitW?: number
}

/** Below this a cv says more about counter resolution than about the runner's noise. */
const DRIFT_CV_FLOOR = 0.01

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

/** Sample standard deviation over the mean; 0 for a single run (no spread observed). */
export function computeCv(xs: number[]): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)
  return Math.sqrt(variance) / m
}

/** Averages the runs of one workload; cv is the energy's coefficient of variation. */
export function buildCalibrationPoint(
  workload: string,
  runs: WorkloadRun[],
  family?: string
): CalibrationPoint {
  if (runs.length === 0)
    throw new UsageError(describeBadValue(`${workload} runs`, [], 'at least one run'))
  runs.forEach((run, i) => {
    for (const key of ['energyJ', 'durationS', 'meanPowerW'] as const) {
      const v = run[key]
      if (!Number.isFinite(v) || v <= 0)
        throw new UsageError(
          describeBadValue(`${workload} run ${i + 1} ${key}`, v, 'a finite number > 0')
        )
    }
  })
  const point: CalibrationPoint = {
    workload,
    energyJ: mean(runs.map((r) => r.energyJ)),
    durationS: mean(runs.map((r) => r.durationS)),
    meanPowerW: mean(runs.map((r) => r.meanPowerW)),
    runs: runs.length,
    cv: computeCv(runs.map((r) => r.energyJ))
  }
  // a count reported by only some runs would mix work sizes; keep it only when all agree on having it
  const flops = runs.map((r) => r.flops)
  if (flops.every((f) => f !== undefined && f > 0)) point.flops = mean(flops as number[])
  const params = runs.map((r) => r.params)
  if (params.every((p) => p !== undefined && p > 0)) point.params = mean(params as number[])
  // the GPU set is the host's and does not change between runs; keep it only when every run saw it
  const same = <T>(xs: (T | undefined)[]): T | undefined =>
    xs.every((x) => x !== undefined && x === xs[0]) ? xs[0] : undefined
  const gpuCount = same(runs.map((r) => r.gpuCount))
  const powerLimitW = same(runs.map((r) => r.powerLimitW))
  if (gpuCount !== undefined) point.gpuCount = gpuCount
  if (powerLimitW !== undefined) point.powerLimitW = powerLimitW
  if (family !== undefined) point.family = family
  return point
}

/** One warning per shared workload whose energy moved by more than twice its cv. */
export function detectDrift(previous: Calibration, next: Calibration): string[] {
  const before = new Map(previous.points.map((p) => [p.workload, p]))
  const warnings: string[] = []
  for (const point of next.points) {
    const old = before.get(point.workload)
    if (!old) continue
    const change = point.energyJ / old.energyJ - 1
    const cv = Math.max(point.cv ?? 0, old.cv ?? 0, DRIFT_CV_FLOOR)
    if (Math.abs(change) > 2 * cv)
      warnings.push(
        `${point.workload}: energy moved ${(change * 100).toFixed(1)}% ` +
          `(${old.energyJ.toFixed(1)} J on ${previous.createdAt || 'the previous calibration'} → ` +
          `${point.energyJ.toFixed(1)} J), more than twice its cv ${(cv * 100).toFixed(1)}%: ` +
          `driver update, thermal problem or a different card?`
      )
  }
  return warnings
}
