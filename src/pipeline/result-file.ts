// The result JSON of a check: everything the verdict was computed from, so that mode `report`
// (fork-safe workflow_run) re-judges and re-renders it instead of posting markdown it was handed.
import type { Budget } from '../core/budget/budget-schema.js'
import { renderReport } from '../core/report/render-report.js'
import { renderTerminal } from '../core/report/terminal.js'
import type { Settings } from '../core/settings.js'
import type { NoiseFloor } from '../core/stats.js'
import { CHECK_RESULT_SCHEMA, type HistoryRecord } from '../core/types.js'
import { judge, type Judgement } from '../core/verdict.js'
import type { CheckOutcome } from './contracts.js'

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

function judgeResult(result: CheckResult): Judgement {
  const j = judge({
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
    now: result.record.recordedAt
  })
  if (!result.baseline) j.notes.push(`No baseline: ${result.baselineReason}.`)
  if (result.curveSentence) j.notes.push(`Energy versus performance: ${result.curveSentence}`)
  if (result.projection?.detail) j.notes.push(`Projection: ${result.projection.detail}.`)
  j.notes.push(...result.notes)
  const m = result.record.measurement
  if (m.exitCode !== 0 || m.interrupted) {
    // A partial run measured less work, so its energy would read as a saving: the rules above
    // are shown for information, and the verdict says what happened instead.
    const what = m.interrupted
      ? 'the training run was cancelled'
      : `the training command failed (exit ${m.exitCode ?? `signal ${m.signal ?? 'unknown'}`})`
    j.verdict = m.interrupted ? 'inconclusive' : 'fail'
    j.headline = `${what}; the figures below cover the partial run and were not judged`
    j.decidingRule = null
    j.notes.unshift(
      `Not judged: ${what}. Energy and metrics of a partial run cannot be compared with the baseline.`
    )
  } else if (result.budgetProblem) {
    // Without the base's budget the only rules at hand are the change's own: nothing may pass.
    j.verdict = 'inconclusive'
    j.headline = `no trusted budget: ${result.budgetProblem}`
    j.decidingRule = null
    j.notes.unshift(
      `Not judged: ${result.budgetProblem}. A pull request is judged only by its base branch's budget, so this run can neither pass nor fail on its rules.`
    )
  }
  return j
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
