// The result JSON of a check: everything the verdict was computed from, so that mode `report`
// (fork-safe workflow_run) re-judges and re-renders it instead of posting markdown it was handed.
import type { Budget } from '../core/judge/budget/budget-schema.js'
import { renderReport } from '../core/report/render-report.js'
import { renderTerminal } from '../core/report/terminal.js'
import type { Settings } from '../core/settings.js'
import type { NoiseFloor } from '../core/compare/stats.js'
import { CHECK_RESULT_SCHEMA, type HistoryRecord, type Verdict } from '../core/types.js'
import { judge, type Judgement } from '../core/judge/verdict.js'

export interface CheckResult {
  schema: typeof CHECK_RESULT_SCHEMA
  series: string
  carbonIntensity: number | string | null
  pue: number
  record: HistoryRecord
  baseline: {
    record: HistoryRecord
    records?: HistoryRecord[]
    reason: string
    commit: string | null
  } | null
  baselineReason: string
  budget: Budget
  /** why the budget that judged this run is not a trusted one (absent in older files) */
  budgetProblem?: string | null
  noiseFloor: NoiseFloor | null
  projection: { kwh: number; interval: [number, number]; detail?: string } | null
  curveSentence: string | null
  notes: string[]
  /** the judgement's outcome, for readers of the file; `report` recomputes it */
  verdict?: string
}

export interface BuildInput {
  settings: Settings
  record: HistoryRecord
  baseline: CheckResult['baseline']
  baselineReason: string
  budget: Budget
  budgetProblem?: string | null
  noiseFloor: NoiseFloor | null
  projection: CheckResult['projection']
  curveSentence: string | null
  notes: string[]
}

export function buildCheckResult(input: BuildInput): CheckResult {
  return {
    schema: CHECK_RESULT_SCHEMA,
    series: input.settings.name,
    carbonIntensity: input.settings.carbonIntensity,
    pue: input.settings.pue,
    record: input.record,
    baseline: input.baseline,
    baselineReason: input.baselineReason,
    budget: input.budget,
    budgetProblem: input.budgetProblem ?? null,
    noiseFloor: input.noiseFloor,
    projection: input.projection,
    curveSentence: input.curveSentence,
    notes: input.notes
  }
}

// judge() is the whole decision, partial runs and a missing trusted budget included
function judgeResult(result: CheckResult): Judgement {
  return judge({
    series: result.series,
    run: {
      measurement: result.record.measurement,
      normalization: result.record.normalization,
      commit: result.record.commit,
      runner: result.record.runner ?? null,
      calibrationCreatedAt: result.record.calibrationCreatedAt ?? null
    },
    baseline: result.baseline
      ? { record: result.baseline.record, reason: result.baseline.reason }
      : null,
    budget: result.budget,
    carbonIntensity: result.carbonIntensity,
    pue: result.pue,
    noiseFloor: result.noiseFloor,
    projection: result.projection
      ? { kwh: result.projection.kwh, interval: result.projection.interval }
      : null,
    now: result.record.recordedAt,
    budgetProblem: result.budgetProblem ?? null,
    notes: [
      ...(result.baseline ? [] : [`No baseline: ${result.baselineReason}.`]),
      ...(result.curveSentence ? [`Energy versus performance: ${result.curveSentence}`] : []),
      ...(result.projection?.detail ? [`Projection: ${result.projection.detail}.`] : []),
      ...result.notes
    ]
  })
}

/** What a check, a record or a re-judged result gives its shell to publish. */
export interface CheckOutcome {
  verdict: Verdict
  /** markdown: the comment body and the job summary */
  report: string
  /** a few plain lines for logs */
  summaryText: string
  /** the result JSON (written to the result file, read back by mode `report`) */
  result: object
  energyKwh: number
  normalizedEnergyKwh: number | null
  energyDeltaPercent: number | null
  co2Grams: number | null
  commandExitCode: number | null
  interrupted: boolean
  /** set when no trusted budget judged the run (the verdict is then inconclusive) */
  budgetProblem?: string | null
  /** the judgement the report was rendered from, for a view that combines several runners */
  judgement?: Judgement
}

export function renderCheckResult(
  result: CheckResult,
  options: { history?: readonly HistoryRecord[] } = {}
): CheckOutcome {
  const j = judgeResult(result)
  const report = renderReport(j, { marker: result.series, history: options.history ?? [] })
  const m = result.record.measurement
  return {
    verdict: j.verdict,
    report,
    summaryText: renderTerminal(j),
    result: { ...result, verdict: j.verdict },
    energyKwh: j.run.measuredKwh,
    normalizedEnergyKwh: j.run.normalizedKwh,
    energyDeltaPercent: j.change ? j.change.change * 100 : null,
    co2Grams: j.run.carbon.grams,
    commandExitCode: m.exitCode,
    interrupted: m.interrupted === true,
    budgetProblem: result.budgetProblem ?? null,
    judgement: j
  }
}
