// Cross-hardware normalisation: the energy a measured job would have taken on the reference host.
// Candidate models are fitted on the workloads both calibrations share; the estimate averages the
// power-based ones weighted by their leave-one-out errors, and the 80% interval comes from the
// leave-one-out residuals of that average.
import { UsageError } from '../errors.js'
import type { Calibration, CalibrationPoint, Normalization } from '../types.js'
import {
  MODEL_NAMES,
  chooseUseKey,
  computeLooResiduals,
  fitModel,
  hasFeatures,
  median,
  multivariateKeys,
  weighMembers
} from './models.js'
import type { Features, FitOptions, ModelName, TrainingPoint } from './models.js'
import type { MeasurementInput } from './validate.js'
import {
  calibrationKindOf,
  describeUnusableKind,
  isMadeOnEstimates
} from '../history/calibration-codec.js'
import {
  ANCHORED_LEVEL,
  computeCaseResiduals,
  describeEvidence,
  predictAnchored,
  scaleAnchored
} from './evidence.js'
import type { EvidenceCase } from './evidence.js'

/** One-sided 90% Student t quantiles by degrees of freedom, for intervals from very few points. */
const T90 = [Infinity, 3.078, 1.886, 1.638, 1.533, 1.476, 1.44, 1.415, 1.397, 1.383]
const Z90 = 1.2816
const INTERVAL_LEVEL = 0.8

interface NormalizeOptions {
  /** force one model instead of the automatic one */
  model?: ModelName
  /** the single-ratio model's baseline workload (DCASE: the organisers' baseline system) */
  baseline?: string
  /** the job's workload family; default the measurement's own `family` */
  family?: string
  /** normalise with a quick (smoke-run) calibration anyway */
  allowQuick?: boolean
}

/** The model used when none is forced (chosen on the selection half of the evaluation's draws). */
export const AUTOMATIC_MODEL: ModelName = 'kernel'

interface CandidateScore {
  model: ModelName
  /** median |relative error| over leave-one-out predictions */
  looError: number
  /** mean |ln error| (steadier than a median of five or six); sets the loo-weighted weights */
  looMeanAbsLog: number
  /** share of this model in the loo-weighted estimate, for its members */
  weight?: number
}

export interface NormalizationResult extends Normalization {
  energyJ: number
  /** predicted E_reference / E_local for this measurement */
  ratio: number
  method: 'estimate'
  candidates: CandidateScore[]
  notices: string[]
}

/** Fewer than two shared workloads, or a model asked for without its inputs. */
export class NormalizationError extends UsageError {
  constructor(message: string) {
    super(message)
    this.name = 'NormalizationError'
  }
}

/** Sum of the host's GPU power limits: the limit of a point that does not name its own, since
 *  calibrate records the power summed over every GPU of the host. */
function hostPowerLimit(local: Calibration): number | null {
  if (powerKindOf(local) !== 'gpu' || local.host.gpus.length === 0) return null
  const limits = local.host.gpus.map((g) => g.powerLimitW ?? null)
  if (limits.some((l) => l === null || l <= 0)) return null
  return (limits as number[]).reduce((a, b) => a + b, 0)
}

function featuresOfPoint(
  local: CalibrationPoint,
  ref: CalibrationPoint,
  hostLimit: number | null
): Features {
  const params = local.params ?? ref.params
  const flops = local.flops ?? ref.flops
  const limit = local.powerLimitW ?? hostLimit
  return {
    logPower: Math.log(local.meanPowerW),
    logPowerFraction: limit === null ? null : Math.log(local.meanPowerW / limit),
    logParams: params === undefined ? null : Math.log(params),
    logFlopRate: flops === undefined ? null : Math.log(flops / local.durationS)
  }
}

/** Device kind whose mean power the local calibration recorded. */
function powerKindOf(local: Calibration): 'gpu' | 'cpu' {
  return local.powerOf ?? (local.host.gpus.length > 0 ? 'gpu' : 'cpu')
}

/**
 * Features of the measurement on the local host. Power is the sum over the devices of the
 * calibrated kind, the same quantity a multi-device calibration point records; the power fraction
 * divides it by the sum of those devices' limits, so that a job on eight GPUs at half load and one
 * on a single GPU at half load look alike (their total powers differ eightfold).
 */
function featuresOfMeasurement(
  local: Calibration,
  m: MeasurementInput,
  notices: string[]
): Features {
  const kind = powerKindOf(local)
  const devices = m.components.filter((c) => c.kind === kind)
  const powers = devices.map(
    (c) => c.meanPowerW ?? (c.energyJ === null ? null : c.energyJ / m.durationS)
  )
  let logPower: number | null = null
  let logPowerFraction: number | null = null
  if (devices.length === 0 || powers.some((p) => p === null)) {
    notices.push(`the measurement has no ${kind} component with meanPowerW or energyJ`)
  } else {
    const total = (powers as number[]).reduce((a, b) => a + b, 0)
    const limits = devices.map((c) => c.powerLimitW)
    if (total > 0) logPower = Math.log(total)
    else notices.push(`the measurement's ${kind} mean power is 0 W`)
    if (total > 0 && limits.every((l) => l !== null && l > 0))
      logPowerFraction = Math.log(total / (limits as number[]).reduce((a, b) => a + b, 0))
  }
  let flops = m.metrics.flops
  if (flops === undefined && m.metrics.macs !== undefined) {
    flops = 2 * m.metrics.macs
    notices.push('flops taken as 2 × macs (one multiply-add is two operations)')
  }
  return {
    logPower,
    logPowerFraction,
    logParams: m.metrics.params === undefined ? null : Math.log(m.metrics.params),
    logFlopRate: flops === undefined ? null : Math.log(flops / m.durationS)
  }
}

/** Local and reference points of the workloads both calibrations contain, in local order. */
function findSharedPoints(
  local: Calibration,
  reference: Calibration
): { local: CalibrationPoint; reference: CalibrationPoint }[] {
  const byName = new Map(reference.points.map((p) => [p.workload, p]))
  return local.points.flatMap((p) => {
    const r = byName.get(p.workload)
    return r ? [{ local: p, reference: r }] : []
  })
}

function halfWidth(residuals: number[], level = INTERVAL_LEVEL): number {
  const n = residuals.length
  const abs = residuals.map(Math.abs).sort((a, b) => a - b)
  // position (n+1)·0.8 among the sorted |residuals|: a new residual is equally likely to fall in
  // each of the n+1 gaps, so the k-th smallest covers k/(n+1). With six points the whole ranks
  // give 71% or 86%; interpolating between them aims at 80% itself (Hyndman–Fan type 6)
  const position = (n + 1) * level
  let h: number
  if (position <= n) {
    const k = Math.floor(position)
    h = abs[k - 1] + (position - k) * ((abs[k] ?? abs[k - 1]) - abs[k - 1])
  } else {
    // too few points for a rank (n < 4): Student t on the residuals' root mean square
    const rms = Math.sqrt(abs.reduce((s, r) => s + r * r, 0) / n)
    h = (T90[Math.min(n - 1, T90.length - 1)] ?? Z90) * rms * Math.sqrt(1 + 1 / n)
  }
  return h
}

function describeReference(reference: Calibration): string {
  const gpus = reference.host.gpus.map((g) => g.name).join(', ')
  const what = gpus || reference.host.cpu || 'reference host'
  return reference.host.fingerprint ? `${what} (${reference.host.fingerprint})` : what
}

/**
 * Why these calibrations must not normalise this measurement, or null. A quick calibration is a
 * smoke run at a small scale (its energies read 400% off a full one's); one made on estimated
 * energy says nothing about how real hardware compares.
 */
function findUnusableCalibration(
  local: Calibration,
  reference: Calibration,
  measurement: MeasurementInput,
  allowQuick: boolean
): string | null {
  // a measurement whose every component is an estimate may be compared with estimates
  const measured =
    measurement.components.length === 0 ||
    measurement.components.some((c) => c.method !== 'estimate')
  for (const [cal, what] of [
    [local, 'the local calibration'],
    [reference, 'the reference calibration']
  ] as const) {
    const kind = calibrationKindOf(cal)
    if (kind === 'quick' && !allowQuick)
      return `${describeUnusableKind(kind, what)}; use a full calibration, or --allow-quick to use it anyway`
    if (isMadeOnEstimates(cal) && measured) return describeUnusableKind('estimate', what)
  }
  return null
}

/** The pure core behind `joulegate normalize`: one measurement, two calibrations. */
export function normalizeMeasurement(
  local: Calibration,
  reference: Calibration,
  measurement: MeasurementInput,
  options: NormalizeOptions = {}
): NormalizationResult {
  const unusable = findUnusableCalibration(
    local,
    reference,
    measurement,
    options.allowQuick ?? false
  )
  if (unusable) throw new NormalizationError(unusable)
  const shared = findSharedPoints(local, reference)
  if (shared.length < 2)
    throw new NormalizationError(
      `the calibrations share ${shared.length} workload(s) (${shared.map((s) => s.local.workload).join(', ') || 'none'}); ` +
        `at least 2 are needed. Local has: ${local.points.map((p) => p.workload).join(', ')}; ` +
        `reference has: ${reference.points.map((p) => p.workload).join(', ')}`
    )
  if (options.baseline !== undefined && !shared.some((s) => s.local.workload === options.baseline))
    throw new NormalizationError(
      `--baseline "${options.baseline}" is not a shared workload; expected one of: ${shared.map((s) => s.local.workload).join(', ')}`
    )
  const hostLimit = hostPowerLimit(local)
  const all: TrainingPoint[] = shared.map((s) => {
    const family = s.local.family ?? s.reference.family
    return {
      workload: s.local.workload,
      ...(family === undefined ? {} : { family }),
      features: featuresOfPoint(s.local, s.reference, hostLimit),
      logRatio: Math.log(s.reference.energyJ / s.local.energyJ)
    }
  })
  const family = options.family ?? measurement.family ?? null
  const anchors = family === null ? [] : all.filter((p) => p.family === family)
  const evidence: EvidenceCase =
    family === null ? 'unknown-family' : anchors.length > 0 ? 'anchored' : 'unseen-family'
  const points = all.filter((p) => !anchors.includes(p))
  if (points.length < 2)
    throw new NormalizationError(
      `beside the anchor (${anchors.map((a) => a.workload).join(', ')}) the calibrations share ${points.length} suite workload(s); at least 2 are needed to model how the ratio moves with GPU use`
    )
  const notices: string[] = []
  const query = featuresOfMeasurement(local, measurement, notices)
  const use = chooseUseKey(points, query)
  if (use === 'logPower' && query.logPower !== null && powerKindOf(local) === 'gpu')
    notices.push(
      'GPU use taken as mean power, not power fraction: a power limit is missing (host.gpus[].powerLimitW or the measurement components); this assumes the same GPUs ran the calibration and the job'
    )
  if (evidence === 'unseen-family')
    notices.push(
      `no calibration of this workload family (${family}): the estimate rests on the suite alone and its interval includes the error between families; calibrate --workload NAME=CMD --family ${family} on both machines to anchor it`
    )
  const fitOptions: FitOptions = { keys: multivariateKeys(points, query, use), use }
  if (options.baseline !== undefined) fitOptions.baseline = options.baseline

  let candidates: ModelName[]
  let chosen: ModelName
  if (options.model !== undefined) {
    if (!hasFeatures(options.model, points, query))
      throw new NormalizationError(
        `model ${options.model} cannot be used: ${notices.join('; ') || 'the calibration points or the measurement lack the fields it needs (meanPowerW; flops or params for multivariate)'}`
      )
    candidates = [options.model]
    chosen = options.model
  } else {
    // the single ratio is the baseline to beat, not a candidate: it is the geometric mean of one
    // point, so it only wins leave-one-out by luck and then generalises worst. The others are
    // scored (and shown); the estimate is the automatic model, or the geometric mean without power.
    candidates = MODEL_NAMES.filter(
      (m) =>
        m !== 'single-ratio' &&
        hasFeatures(m, points, query) &&
        (m !== 'multivariate' || points.length >= 5)
    )
    chosen = candidates.includes(AUTOMATIC_MODEL) ? AUTOMATIC_MODEL : 'geometric-mean'
    const skipped = MODEL_NAMES.filter((m) => m !== 'single-ratio' && !candidates.includes(m))
    if (skipped.includes('log-log'))
      notices.push(`models that need power (${skipped.join(', ')}) were skipped; used ${chosen}`)
  }
  const weights = new Map(
    candidates.includes('loo-weighted')
      ? weighMembers(points, fitOptions).map((m) => [m.model, m.weight])
      : []
  )
  const scores: (CandidateScore & { residuals: number[] })[] = candidates.map((model) => {
    const residuals = computeLooResiduals(model, points, fitOptions)
    const weight = weights.get(model)
    return {
      model,
      residuals,
      looError: median(residuals.map((r) => Math.abs(Math.expm1(r)))),
      looMeanAbsLog: residuals.reduce((s, r) => s + Math.abs(r), 0) / residuals.length,
      ...(weight === undefined ? {} : { weight })
    }
  })
  const best = scores.find((c) => c.model === chosen)!
  const anchorOptions: FitOptions = { ...fitOptions, smooth: true }
  const logRatio =
    evidence === 'anchored'
      ? predictAnchored(fitModel(best.model, points, anchorOptions), anchors, query)
      : fitModel(best.model, points, fitOptions)(query)
  const normalizedEnergyJ = measurement.energyJ * Math.exp(logRatio)
  const cvs = shared.map((s) => (s.local.cv ?? 0) ** 2 + (s.reference.cv ?? 0) ** 2)
  const noiseFloor = Z90 * Math.sqrt(cvs.reduce((a, b) => a + b, 0) / cvs.length)
  const caseResiduals =
    evidence === 'unknown-family'
      ? null
      : computeCaseResiduals(
          evidence,
          best.model,
          evidence === 'anchored' ? all : points,
          evidence === 'anchored' ? anchorOptions : fitOptions
        )
  const intervalFrom =
    caseResiduals === null
      ? `${points.length} leave-one-out residuals${evidence === 'anchored' ? " (no family has two points to measure an anchor's error: wider than needed)" : ''}`
      : evidence === 'anchored'
        ? `${caseResiduals.length} same-family residuals`
        : `${caseResiduals.length} leave-one-family-out residuals`
  // anchored residuals are scaled to a common distance from their anchor: scale back to the job's
  const scaled = evidence === 'anchored' && caseResiduals !== null
  const h = Math.max(
    (scaled ? scaleAnchored(anchors, query, fitOptions.use) : 1) *
      halfWidth(caseResiduals ?? best.residuals, scaled ? ANCHORED_LEVEL : INTERVAL_LEVEL),
    noiseFloor
  )
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
  }
}
