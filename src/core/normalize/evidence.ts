// What a normalised figure rests on. A calibration point of the job's own workload family (the
// repository's training, run on both machines) is the strongest evidence: DCASE asks every
// participant to run the baseline on their own hardware for that reason. Suite points fill in
// how the ratio moves with GPU use; the interval comes from out-of-sample errors of the same kind
// as the one being made (same family, an unseen family, or an unknown one).
import { fitModel } from './models.js'
import type { Features, FitOptions, ModelName, TrainingPoint } from './models.js'

/** Share of the anchor in an anchored estimate; the rest is the suite model (selection splits). */
const ANCHOR_WEIGHT = 1
/** How much of the suite model's difference between the job's and the anchor's GPU use is added. */
const ANCHOR_CORRECTION = 0.5

/**
 * An anchored error grows with how far the job's GPU use is from its anchor's: a repository's
 * training run at another batch size than its calibration run moves along its own curve, which the
 * suite only guesses. The anchored interval scales with √(floor² + Δuse²) (ln units); the floor is
 * the error left when the two run alike. Chosen on the selection draws (0.1, 0.2, 0.4).
 */
const ANCHOR_SCALE_FLOOR = 0.4
/**
 * The anchored residuals come from other families than the job's, whose spread within a family
 * differs (one family's batch sizes move its ratio three times as much as another's): the
 * quantile is taken at 85% so that the interval covers about 80% of jobs of a family it has not
 * seen vary (chosen on the selection draws among 80%, 85%, 88%).
 */
export const ANCHORED_LEVEL = 0.85

export type EvidenceCase = 'anchored' | 'unseen-family' | 'unknown-family'

/** ln ratio of the job predicted from its family's anchors and the suite model. */
export function predictAnchored(
  suite: (f: TrainingPoint['features']) => number,
  anchors: TrainingPoint[],
  query: TrainingPoint['features']
): number {
  const atQuery = suite(query)
  const fromAnchors =
    anchors.reduce(
      (s, a) => s + a.logRatio + ANCHOR_CORRECTION * (atQuery - suite(a.features)),
      0
    ) / anchors.length
  return ANCHOR_WEIGHT * fromAnchors + (1 - ANCHOR_WEIGHT) * atQuery
}

const familyOf = (p: TrainingPoint): string => p.family ?? p.workload

/** How much wider than at the anchor's own GPU use an anchored interval is at the job's. */
export function scaleAnchored(
  anchors: TrainingPoint[],
  query: Features,
  use: FitOptions['use']
): number {
  const key = use ?? 'logPower'
  const at = query[key]
  const squares = anchors.map((a) => {
    const x = a.features[key]
    return at === null || x === null ? 0 : (at - x) ** 2
  })
  const meanSquare = squares.reduce((s, d) => s + d, 0) / Math.max(squares.length, 1)
  return Math.sqrt(ANCHOR_SCALE_FLOOR ** 2 + meanSquare)
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
export function computeCaseResiduals(
  evidence: EvidenceCase,
  model: ModelName,
  points: TrainingPoint[],
  options: FitOptions
): number[] | null {
  const without = (keep: (p: TrainingPoint, j: number) => boolean): TrainingPoint[] =>
    points.filter(keep)
  if (evidence === 'unknown-family' || evidence === 'unseen-family') {
    const out: number[] = []
    for (const [i, held] of points.entries()) {
      const rest =
        evidence === 'unknown-family'
          ? without((_, j) => j !== i)
          : without((p) => familyOf(p) !== familyOf(held))
      if (rest.length < 2) continue
      out.push(held.logRatio - fitModel(model, rest, options)(held.features))
    }
    return out.length >= 2 ? out : null
  }
  const out: number[] = []
  const families = new Set(points.map(familyOf))
  for (const family of families) {
    const members = points.filter((p) => familyOf(p) === family)
    const rest = without((p) => familyOf(p) !== family)
    if (members.length < 2 || rest.length < 2) continue
    const suite = fitModel(model, rest, options)
    for (const held of members) {
      const anchors = members.filter((p) => p !== held)
      out.push(
        (held.logRatio - predictAnchored(suite, anchors, held.features)) /
          scaleAnchored(anchors, held.features, options.use)
      )
    }
  }
  return out.length >= 2 ? out : null
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/** One line for reports: anchor, suite points, model, LOO error, the interval's basis. */
export function describeEvidence(e: {
  evidence: EvidenceCase
  family: string | null
  anchors: string[]
  suitePoints: number
  model: ModelName
  looError: number
  intervalFrom: string
}): string {
  const anchor =
    e.evidence === 'anchored'
      ? `anchor: ${e.anchors.join(', ')} (family ${e.family})`
      : e.evidence === 'unseen-family'
        ? `no calibration of this workload family (${e.family})`
        : 'workload family not given (no anchor)'
  return `${anchor}; ${e.suitePoints} suite points; model ${e.model}, LOO error ${pct(e.looError)}; interval from ${e.intervalFrom}`
}
