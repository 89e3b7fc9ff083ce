// Candidate models for the log energy ratio ln(E_reference / E_local) of one workload, fitted on
// the workloads both calibration files share. Every model maps a workload's local features to a
// predicted log ratio; working in logs makes ratios symmetric and errors relative.
import { fitKernel } from './kernel.js'

/** Features of one workload as seen on the LOCAL host (the only side a new measurement has). */
export interface Features {
  /** ln of the device's mean power (W), summed over the devices of the calibrated kind */
  logPower: number | null
  /** ln(mean power / power limit), both summed over the same devices: GPU use, comparable between
   *  a one-GPU and an eight-GPU job, which ln(power) is not */
  logPowerFraction: number | null
  logParams: number | null
  /** ln of achieved FLOP/s (flops / durationS): how hard the work drives the device */
  logFlopRate: number | null
}

export interface TrainingPoint {
  workload: string
  /** the workload family (a point without one is its own family) */
  family?: string
  features: Features
  /** ln(E_reference / E_local) */
  logRatio: number
}

export const MODEL_NAMES = [
  'single-ratio',
  'geometric-mean',
  'log-log',
  'similarity-weighted',
  'multivariate',
  'loo-weighted',
  'kernel'
] as const
export type ModelName = (typeof MODEL_NAMES)[number]

/** Which features each model needs; the selection skips a model whose inputs are missing. */
const MODEL_NEEDS: Record<ModelName, (keyof Features)[]> = {
  'single-ratio': [],
  'geometric-mean': [],
  'log-log': ['logPower'],
  'similarity-weighted': ['logPower'],
  multivariate: ['logPower'],
  'loo-weighted': ['logPower'],
  kernel: ['logPower']
}

/** The models loo-weighted averages. The geometric mean and the multivariate model are left out:
 *  on the selection splits either one in the mix made both datasets worse (see docs/normalisation.md). */
const WEIGHTED_MEMBERS: ModelName[] = ['log-log', 'similarity-weighted']

/** Which feature measures GPU use: the power fraction when every point and the query have one. */
type UseKey = 'logPowerFraction' | 'logPower'

/** The multivariate model's optional regressors: used when every point and the query have them. */
const MULTIVARIATE_EXTRAS: (keyof Features)[] = ['logParams', 'logFlopRate']

/** Gaussian kernel width in ln(power): 0.25 ≈ a 28% power difference. Chosen on selection seeds. */
const SIMILARITY_BANDWIDTH = 0.25
/** Ridge penalty on standardised features: n is about six, so the fit must shrink hard. */
const RIDGE_LAMBDA = 1

export interface FitOptions {
  /** the single-ratio model's baseline workload; default: the first shared point */
  baseline?: string
  /** the multivariate model's columns; default: chosen by multivariateKeys */
  keys?: (keyof Features)[]
  /** the GPU-use feature of log-log, similarity-weighted and multivariate; default logPower */
  use?: UseKey
  /** kernel: no nearest-neighbour widths (the anchored correction needs a trend) */
  smooth?: boolean
}

/** ln(power) plus every optional regressor that all points and the query share. */
export function multivariateKeys(
  points: TrainingPoint[],
  query: Features,
  use: UseKey = 'logPower'
): (keyof Features)[] {
  const extras = MULTIVARIATE_EXTRAS.filter(
    (k) => query[k] !== null && points.every((p) => p.features[k] !== null)
  )
  return [use, ...extras]
}

/** ln(power fraction) when every point and the query have it, else ln(power). */
export function chooseUseKey(points: TrainingPoint[], query: Features): UseKey {
  const all =
    query.logPowerFraction !== null && points.every((p) => p.features.logPowerFraction !== null)
  return all ? 'logPowerFraction' : 'logPower'
}

type Predictor = (features: Features) => number

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Theil–Sen slope: the median pairwise slope. One odd workload cannot swing it, unlike OLS. */
function fitTheilSen(xs: number[], ys: number[]): { intercept: number; slope: number } {
  const slopes: number[] = []
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j] - xs[i]
      if (Math.abs(dx) > 1e-6) slopes.push((ys[j] - ys[i]) / dx)
    }
  }
  if (slopes.length === 0) return { intercept: median(ys), slope: 0 }
  const slope = median(slopes)
  return { slope, intercept: median(ys.map((y, i) => y - slope * xs[i])) }
}

/** Ridge regression on standardised columns; returns a predictor over raw feature vectors. */
function fitRidge(rows: number[][], ys: number[], lambda: number): (row: number[]) => number {
  const p = rows[0].length
  const mu = Array.from({ length: p }, (_, j) => mean(rows.map((r) => r[j])))
  const sd = Array.from({ length: p }, (_, j) => {
    const v = mean(rows.map((r) => (r[j] - mu[j]) ** 2))
    return Math.sqrt(v) || 1
  })
  const z = rows.map((r) => r.map((x, j) => (x - mu[j]) / sd[j]))
  const yMean = mean(ys)
  const a = Array.from({ length: p }, (_, i) =>
    Array.from(
      { length: p },
      (_, j) => z.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? lambda : 0)
    )
  )
  const b = Array.from({ length: p }, (_, i) =>
    z.reduce((s, r, k) => s + r[i] * (ys[k] - yMean), 0)
  )
  const beta = solve(a, b)
  return (row) => yMean + row.reduce((s, x, j) => s + ((x - mu[j]) / sd[j]) * beta[j], 0)
}

/** Gaussian elimination with partial pivoting; the ridge term keeps the matrix well conditioned. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length
  const m = a.map((row, i) => [...row, b[i]])
  for (let c = 0; c < n; c++) {
    let pivot = c
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r
    ;[m[c], m[pivot]] = [m[pivot], m[c]]
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c]
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k]
    }
  }
  const x = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n]
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k]
    x[r] = s / m[r][r]
  }
  return x
}

const featureValue = (f: Features, key: keyof Features): number => {
  const v = f[key]
  if (v === null) throw new Error(`feature ${key} is missing`)
  return v
}

/** Fits one model on the training points; the caller guarantees the needed features exist. */
export function fitModel(
  model: ModelName,
  points: TrainingPoint[],
  options: FitOptions = {}
): Predictor {
  const ys = points.map((p) => p.logRatio)
  const use = options.use ?? 'logPower'
  switch (model) {
    case 'single-ratio': {
      const base = points.find((p) => p.workload === options.baseline) ?? points[0]
      return () => base.logRatio
    }
    case 'geometric-mean': {
      const m = mean(ys)
      return () => m
    }
    case 'log-log': {
      const { intercept, slope } = fitTheilSen(
        points.map((p) => featureValue(p.features, use)),
        ys
      )
      return (f) => intercept + slope * featureValue(f, use)
    }
    case 'similarity-weighted': {
      const xs = points.map((p) => featureValue(p.features, use))
      return (f) => {
        const x = featureValue(f, use)
        const w = xs.map((xi) => Math.exp(-0.5 * ((xi - x) / SIMILARITY_BANDWIDTH) ** 2) + 1e-12)
        return w.reduce((s, wi, i) => s + wi * ys[i], 0) / w.reduce((s, wi) => s + wi, 0)
      }
    }
    case 'multivariate': {
      const keys = options.keys ?? multivariateKeys(points, points[0].features, use)
      const predict = fitRidge(
        points.map((p) => keys.map((k) => featureValue(p.features, k))),
        ys,
        RIDGE_LAMBDA
      )
      return (f) => predict(keys.map((k) => featureValue(f, k)))
    }
    case 'kernel': {
      const predict = fitKernel(
        points.map((p) => ({ x: featureValue(p.features, use), y: p.logRatio })),
        options.smooth ?? false
      )
      return (f) => predict(featureValue(f, use))
    }
    case 'loo-weighted': {
      const members = weighMembers(points, options)
      const fits = members.map((m) => fitModel(m.model, points, options))
      return (f) => members.reduce((s, m, i) => s + m.weight * fits[i](f), 0)
    }
  }
}

interface MemberWeight {
  model: ModelName
  /** share in the loo-weighted estimate; the shares add up to 1 */
  weight: number
  residuals: number[]
}

/**
 * Weights of the loo-weighted average: 1 / (mean |LOO ln error|)², an inverse-variance rule on the
 * members' leave-one-out errors. With six points the LOO choice of one model is a coin toss
 * between near-equal ones; averaging keeps what each gets right (chosen on the selection splits).
 */
export function weighMembers(points: TrainingPoint[], options: FitOptions = {}): MemberWeight[] {
  const members = WEIGHTED_MEMBERS.map((model) => {
    const residuals = computeLooResiduals(model, points, options)
    const meanAbs = residuals.reduce((s, r) => s + Math.abs(r), 0) / residuals.length
    // a perfect LOO fit would get an infinite weight; 1e-6 in ln units is far below any noise
    return { model, residuals, raw: 1 / Math.max(meanAbs, 1e-6) ** 2 }
  })
  const total = members.reduce((s, m) => s + m.raw, 0)
  return members.map(({ model, residuals, raw }) => ({ model, residuals, weight: raw / total }))
}

/** Whether every training point and the query carry the features the model needs. */
export function hasFeatures(model: ModelName, points: TrainingPoint[], query: Features): boolean {
  const present = MODEL_NEEDS[model].every(
    (k) => query[k] !== null && points.every((p) => p.features[k] !== null)
  )
  // with no extra regressor the multivariate model is the log-log model fitted worse
  if (model === 'multivariate') return present && multivariateKeys(points, query).length > 1
  return present
}

/** Leave-one-out residuals (truth − prediction, in ln units) of a model on the points. */
export function computeLooResiduals(
  model: ModelName,
  points: TrainingPoint[],
  options: FitOptions = {}
): number[] {
  if (model === 'loo-weighted') {
    // the weighted members' own LOO residuals, with the weights fitted on all points: nesting the
    // weighting inside the LOO as well gave 85-86% coverage of 80% intervals on the selection splits
    const members = weighMembers(points, options)
    return points.map((_, i) => members.reduce((s, m) => s + m.weight * m.residuals[i], 0))
  }
  return points.map((held, i) => {
    const rest = points.filter((_, j) => j !== i)
    return held.logRatio - fitModel(model, rest, options)(held.features)
  })
}
