// Mode `report` (the fork-safe workflow_run half): a result file measured by an untrusted run is
// judged again on the trusted side. From the file only the run's own figures are taken (its
// measurement and normalisation record), after a schema check (the measurement's by the codec
// that `normalize` reads measurement files with); the budget comes from the reporting workflow's
// checkout of the base repository, the baseline from the data branch's history.
import { Ajv, type ErrorObject } from 'ajv'
import { readFirstParentAncestry } from '../adapters/git-ancestry.js'
import { EMPTY_BUDGET } from '../core/judge/budget/budget-schema.js'
import { UsageError, describeBadValue } from '../core/errors.js'
import type { Settings } from '../core/settings.js'
import { noiseFloorFromCalibration } from '../core/compare/stats.js'
import { findMeasurementProblem } from '../core/history/measurement-codec.js'
import {
  CHECK_RESULT_SCHEMA,
  RESULT_SCHEMA,
  type Calibration,
  type HistoryRecord
} from '../core/types.js'
import { chooseBaseline, readHistorySafely, type JobContext } from './check.js'
import { analyseProgress } from './progress-analysis.js'
import { buildCheckResult, renderCheckResult, type CheckOutcome } from './result-file.js'
import { findBudgetFile } from './trusted-budget.js'

const text = { type: 'string', maxLength: 10_000 } as const
const nullable = (type: string): { type: string[] } => ({ type: [type, 'null'] })
const joules = { type: 'number', minimum: 0 } as const

const NORMALIZATION = {
  type: ['object', 'null'],
  required: ['normalizedEnergyJ', 'interval', 'model', 'looError'],
  properties: {
    normalizedEnergyJ: joules,
    interval: { type: 'array', minItems: 2, maxItems: 2, items: joules },
    model: text,
    looError: { type: 'number', minimum: 0 }
  }
}

const RESULT_FILE = {
  type: 'object',
  required: ['schema', 'series', 'record'],
  properties: {
    schema: { const: CHECK_RESULT_SCHEMA },
    series: text,
    record: {
      type: 'object',
      required: ['schema', 'commit', 'recordedAt', 'measurement'],
      properties: {
        schema: { const: RESULT_SCHEMA },
        commit: nullable('string'),
        recordedAt: text,
        runner: nullable('string'),
        // checked by the measurement codec, the one reader of joulegate.measurement/v1
        measurement: { type: 'object' },
        normalization: NORMALIZATION,
        calibrationFingerprint: nullable('string'),
        calibrationCreatedAt: nullable('string')
      }
    }
  }
}

let validate: ReturnType<Ajv['compile']> | null = null

function valueAt(data: unknown, pointer: string): unknown {
  let v = data
  for (const seg of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return v
}

function describeError(raw: unknown, e: ErrorObject): string {
  const at = `result-file ${e.instancePath || '(top level)'}`
  const value = valueAt(raw, e.instancePath)
  const shown = typeof value === 'string' && value.length > 60 ? `${value.slice(0, 60)}…` : value
  const expected =
    e.keyword === 'const'
      ? JSON.stringify(e.params['allowedValue'])
      : e.keyword === 'required'
        ? `an object with "${String(e.params['missingProperty'])}"`
        : (e.message ?? 'a valid value')
  return describeBadValue(at, shown, `${expected} (a joulegate check result)`)
}

/** The measured run's own record, once the file has the shape a joulegate check writes. */
function readMeasuredRecord(raw: unknown, settings: Pick<Settings, 'name'>): HistoryRecord {
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(RESULT_FILE)
  if (!validate(raw)) {
    // the deepest complaint is the precise one ("schema" is "x", not "series is missing")
    const deepest = [...validate.errors!].sort(
      (a, b) => b.instancePath.length - a.instancePath.length
    )[0]!
    throw new UsageError(describeError(raw, deepest))
  }
  const r = raw as { series: string; record: HistoryRecord }
  const problem = findMeasurementProblem(r.record.measurement, 'record')
  if (problem)
    throw new UsageError(
      describeError(raw, { ...problem, instancePath: `/record/measurement${problem.instancePath}` })
    )
  if (r.series !== settings.name) {
    throw new UsageError(
      describeBadValue(
        'result-file series',
        r.series,
        `the series named by input "name" (${JSON.stringify(settings.name)})`
      )
    )
  }
  return { ...r.record, series: settings.name, normalization: r.record.normalization ?? null }
}

async function readCalibration(
  ctx: JobContext,
  fingerprint: string | null | undefined
): Promise<Calibration | null> {
  if (!fingerprint) return null
  // an unknown or malformed fingerprint only costs the measured noise floor (the default is used)
  return ctx.store.readCalibration(fingerprint).catch(() => null)
}

/**
 * Judges a result file measured elsewhere. `ctx.cwd`/`ctx.workspace` are the reporting workflow's
 * checkout of the base repository, `ctx.baseSha` the pull request's base as the event or the API
 * says (never the file), `ctx.store` the data branch.
 */
export async function runReport(
  raw: unknown,
  settings: Settings,
  ctx: JobContext
): Promise<CheckOutcome> {
  const record = readMeasuredRecord(raw, settings)
  const workspace = ctx.workspace ?? ctx.cwd
  const trusted = await findBudgetFile(settings, [ctx.cwd, workspace])
  const budgetProblem = trusted
    ? null
    : `no budget file ${settings.budgetFile} in this workflow's checkout of the base repository (${workspace}); check out the base repository before this step`
  const budget = trusted ?? EMPTY_BUDGET
  const { history, note: historyNote } = await readHistorySafely(ctx, settings.name)
  const ancestry = await readFirstParentAncestry({ cwd: ctx.cwd, env: ctx.env.vars }).catch(
    () => null
  )
  const calibration = await readCalibration(ctx, record.calibrationFingerprint)
  const progress = analyseProgress(record.measurement, budget)
  const notes = [
    `Judged on the trusted side: the budget of the base repository's checkout${trusted ? ` (${trusted.source})` : ''} and the baseline from ${ctx.store.description}; only the measured run's own figures were taken from its result file.`,
    historyNote,
    ...progress.notes
  ].filter((n): n is string => Boolean(n))
  const result = buildCheckResult({
    settings,
    record,
    ...chooseBaseline(history, ctx.baseSha, ancestry),
    budget,
    budgetProblem,
    noiseFloor: calibration ? noiseFloorFromCalibration(calibration.points) : null,
    projection: progress.projection,
    curveSentence: progress.sentence,
    notes
  })
  return renderCheckResult(result, { history })
}
