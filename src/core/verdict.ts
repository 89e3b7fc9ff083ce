// judge(): the whole decision as a pure function. Compares the run with its baseline on one energy
// basis, checks every budget rule and folds them into one verdict with the figure that decided it.
import type { Budget } from './budget/budget-schema.js'
import {
  evaluateRules,
  type Projection,
  type RuleResult,
  type RuleSide
} from './budget/evaluate-rules.js'
import {
  computeCarbon,
  resolveCarbonIntensity,
  type CarbonFigure,
  type CarbonIntensity
} from './carbon.js'
import { describeTotalMethod } from './measurement.js'
import { findMeasurementDoubts } from './measurement-doubt.js'
import { RESERVED_METRIC_KEYS } from './metrics-protocol.js'
import { formatKwh, JOULES_PER_KWH, toKwh } from './report/format.js'
import {
  compareEnergy,
  logSdFromInterval80,
  type EnergyChange,
  type EnergySample,
  type NoiseFloor
} from './stats.js'
import type { HistoryRecord, Measurement, Normalization, Verdict } from './types.js'

export type { RuleResult } from './budget/evaluate-rules.js'

const RESERVED = new Set<string>(RESERVED_METRIC_KEYS)

interface RunInput {
  measurement: Measurement
  normalization: Normalization | null
  commit?: string | null
  runner?: string | null
  calibrationCreatedAt?: string | null
}

interface BaselineInput {
  record: HistoryRecord
  /** why this record was chosen, e.g. "the pull request's base commit" */
  reason: string
}

export interface JudgeInput {
  series?: string
  run: RunInput
  baseline: BaselineInput | null
  budget: Budget
  /** the carbon-intensity setting: gCO2e/kWh, an ISO country code, or null for the world average */
  carbonIntensity: number | string | null
  pue: number
  /** the runner's noise floor (calibration, or a setting); null: the documented default */
  noiseFloor: NoiseFloor | null
  projection?: Projection | null
  /** ISO time of the judgement, for ages in the report (kept as input so judge stays pure) */
  now?: string | null
}

export interface SideFigures extends RuleSide {
  energyMethod: string
  normalizationModel: string | null
  durationS: number
  repeats: number
  hostFingerprint: string
}

interface EnergyWeightedScore {
  metric: string
  base: number
  run: number
}

export interface Judgement {
  verdict: Verdict
  /** the one figure that decided the verdict, in words */
  headline: string
  decidingRule: RuleResult | null
  rules: RuleResult[]
  basis: 'normalized' | 'measured'
  basisNote: string
  change: EnergyChange | null
  run: SideFigures
  base: SideFigures | null
  intensity: CarbonIntensity
  mainMetric: string | null
  energyWeighted: EnergyWeightedScore | null
  notes: string[]
  input: JudgeInput
}

function describeSide(
  m: Measurement,
  n: Normalization | null,
  basis: 'normalized' | 'measured',
  carbon: CarbonFigure
): SideFigures {
  const energyMethod = describeTotalMethod(m.components)
  const normalizedKwh = n ? toKwh(n.normalizedEnergyJ) : null
  return {
    comparedKwh:
      basis === 'normalized' && normalizedKwh !== null ? normalizedKwh : toKwh(m.energyJ),
    measuredKwh: toKwh(m.energyJ),
    normalizedKwh,
    normalizedIntervalKwh: n ? [toKwh(n.interval[0]), toKwh(n.interval[1])] : null,
    normalizationModel: n?.model ?? null,
    isEstimate: energyMethod.includes('estimate'),
    energyMethod,
    metrics: { ...m.metrics },
    carbon,
    durationS: m.durationS,
    repeats: m.repeat?.n ?? 1,
    hostFingerprint: m.host.fingerprint
  }
}

function sampleOf(m: Measurement, comparedJ: number): EnergySample {
  return {
    meanJ: comparedJ,
    n: m.repeat?.n ?? 1,
    cv: m.repeat && m.repeat.n >= 2 ? m.repeat.cv : null
  }
}

/** The main metric: the one the price is set in, else the first declared higher-is-better one the run reports. */
function chooseMainMetric(budget: Budget, metrics: Record<string, number>): string | null {
  if (budget.price && budget.price.metric in metrics) return budget.price.metric
  return (
    Object.entries(budget.metrics).find(
      ([name, dir]) => dir === 'higher' && name in metrics
    )?.[0] ?? null
  )
}

function aggregate(
  rules: RuleResult[],
  hasBaseline: boolean
): { verdict: Verdict; deciding: RuleResult | null } {
  const active = rules.filter((r) => r.supersededBy === undefined && r.status !== 'not-applicable')
  const failed = active.find((r) => r.status === 'fail')
  if (failed) return { verdict: 'fail', deciding: failed }
  if (!hasBaseline) return { verdict: 'no-baseline', deciding: null }
  const unsure = active.find((r) => r.status === 'inconclusive')
  if (unsure) return { verdict: 'inconclusive', deciding: unsure }
  const energy =
    active.find((r) => r.rule === 'price') ?? active.find((r) => r.rule === 'energy-increase')
  return { verdict: 'pass', deciding: energy ?? active[0] ?? null }
}

function ruleLabel(r: RuleResult): string {
  return r.subject ? `${r.rule} (${r.subject})` : r.rule
}

function describeHeadline(
  verdict: Verdict,
  deciding: RuleResult | null,
  run: SideFigures,
  change: EnergyChange | null
): string {
  if (deciding) return `${ruleLabel(deciding)}: ${deciding.actual}, limit ${deciding.limit}`
  if (verdict === 'no-baseline')
    // the same method words as the report's energy row, so a partly estimated total says so
    return `no baseline yet; this run used ${run.isEstimate ? '≈ ' : ''}${formatKwh(run.measuredKwh)} (${run.energyMethod})`
  if (change)
    return `energy ${change.change >= 0 ? '+' : ''}${(change.change * 100).toFixed(1)}% against the baseline; the budget sets no rule`
  return 'the budget sets no rule'
}

/**
 * Judges a run against its baseline and budget. Energy is compared on the normalised basis when
 * both sides have a normalisation, else on measured (gross) energy; with no baseline only the
 * absolute rules (energy-kwh, co2-grams, projected-kwh) can fail, else the verdict is no-baseline.
 * A side whose measurement is in doubt (findMeasurementDoubts) makes the verdict inconclusive.
 * Throws UsageError for an unknown carbon-intensity code.
 */
export function judge(input: JudgeInput): Judgement {
  const intensity = resolveCarbonIntensity(input.carbonIntensity)
  const notes: string[] = []
  const runM = input.run.measurement
  const baseRec = input.baseline?.record ?? null
  const basis: 'normalized' | 'measured' =
    input.run.normalization && (!baseRec || baseRec.normalization) ? 'normalized' : 'measured'
  let basisNote =
    basis === 'normalized'
      ? 'normalised energy (the same work on the reference host), because both sides have a calibration'
      : 'measured energy (gross, idle included, so both sides count the same way), because a calibration is missing on at least one side'
  const carbonOf = (m: Measurement): CarbonFigure =>
    computeCarbon(toKwh(m.energyJ), input.pue, intensity)
  const run = describeSide(runM, input.run.normalization, basis, carbonOf(runM))
  const base = baseRec
    ? describeSide(baseRec.measurement, baseRec.normalization, basis, carbonOf(baseRec.measurement))
    : null
  let change: EnergyChange | null = null
  if (base && baseRec) {
    const crossHost = base.hostFingerprint !== run.hostFingerprint
    let extra = 0
    if (basis === 'normalized' && crossHost) {
      extra =
        logSdFromInterval80(input.run.normalization!.interval) ** 2 +
        logSdFromInterval80(baseRec.normalization!.interval) ** 2
      basisNote +=
        '; the sides ran on different hosts, so both normalisation intervals widen the comparison'
    } else if (crossHost) {
      notes.push(
        'The baseline ran on a different host and the sides are not both normalised: the energy comparison mixes hardware.'
      )
    }
    if (base.comparedKwh > 0 && run.comparedKwh > 0) {
      change = compareEnergy(
        sampleOf(baseRec.measurement, base.comparedKwh * JOULES_PER_KWH),
        sampleOf(runM, run.comparedKwh * JOULES_PER_KWH),
        input.noiseFloor,
        extra
      )
    } else {
      notes.push('An energy of zero on one side: no relative change can be computed.')
    }
  }
  if (run.isEstimate || base?.isEstimate)
    notes.push('Some energy figures are estimates (no sensor): judge them as such.')
  // an assumed noise floor is said once, by the change's own noise note (change.noiseNote)
  for (const name of Object.keys(runM.metrics)) {
    if (!RESERVED.has(name) && !(name in input.budget.metrics)) {
      notes.push(
        `Metric ${name} has no direction under metrics: in the budget file; it is shown but not judged.`
      )
    }
  }
  const rules = evaluateRules({
    budget: input.budget,
    basis,
    run,
    base,
    change,
    projection: input.projection ?? null
  })
  const aggregated = aggregate(rules, base !== null)
  // a sensor fault makes the figures partial: whatever the rules say, no pass and no fail
  const doubts = findMeasurementDoubts(runM, baseRec?.measurement ?? null)
  const verdict: Verdict = doubts.length > 0 ? 'inconclusive' : aggregated.verdict
  const deciding = doubts.length > 0 ? null : aggregated.deciding
  if (doubts.length > 1) notes.push(...doubts.slice(1).map((d) => `Also: ${d}.`))
  const mainMetric = chooseMainMetric(input.budget, runM.metrics)
  let energyWeighted: EnergyWeightedScore | null = null
  if (mainMetric && base && base.metrics[mainMetric] !== undefined && run.comparedKwh > 0) {
    // DCASE Task 4's energy-weighted score: metric × E_base / E_run, on the comparison basis
    energyWeighted = {
      metric: mainMetric,
      base: base.metrics[mainMetric]!,
      run: (run.metrics[mainMetric]! * base.comparedKwh) / run.comparedKwh
    }
  }
  return {
    verdict,
    headline:
      doubts.length > 0
        ? `measurement incomplete, not judged: ${doubts[0]!}`
        : describeHeadline(verdict, deciding, run, change),
    decidingRule: deciding,
    rules,
    basis,
    basisNote,
    change,
    run,
    base,
    intensity,
    mainMetric,
    energyWeighted,
    notes,
    input
  }
}

/** The CLI's exit status for a verdict (contract): 1 on fail, else 0. */
export function exitCodeForVerdict(verdict: Verdict): 0 | 1 {
  return verdict === 'fail' ? 1 : 0
}
