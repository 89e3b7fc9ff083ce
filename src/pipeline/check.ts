// check and record: measure -> normalise -> compare -> judge -> report -> store. The CLI and the
// action both call these; they differ only in where the store lives and how the report is posted.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { readFirstParentAncestry } from '../adapters/git-ancestry.js'
import type { CommandSpec } from '../adapters/run-command.js'
import { poolBaselineRecords, selectBaseline } from '../core/baseline.js'
import { EMPTY_BUDGET, type Budget } from '../core/budget/budget-schema.js'
import { parseBudget } from '../core/budget/parse-budget.js'
import { UsageError } from '../core/errors.js'
import { DEFAULTS, type Settings } from '../core/settings.js'
import { noiseFloorFromCalibration } from '../core/stats.js'
import { RESULT_SCHEMA, type HistoryRecord, type Measurement } from '../core/types.js'
import { findCalibrations, normalizeWith } from './calibrations.js'
import type { CheckOutcome, PipelineContext } from './contracts.js'
import { buildCheckResult, renderCheckResult } from './result-file.js'
import { runMeasurement } from './run-measurement.js'
import { analyseProgress } from './progress-analysis.js'

/**
 * The budget file, looked up from the command's directory and then the repository root. The
 * default path may be absent (no rules); a path the user named may not.
 */
export async function loadBudget(
  settings: Settings,
  ...dirs: string[]
): Promise<{ budget: Budget; note: string | null }> {
  const tried = [...new Set(dirs.map((d) => resolve(d, settings.budgetFile)))]
  for (const path of tried) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw new UsageError(
        `budget-file: cannot read ${JSON.stringify(path)} (${(error as Error).message}); expected a YAML budget file`
      )
    }
    return { budget: parseBudget(text, settings.budgetFile), note: null }
  }
  if (settings.budgetFile === DEFAULTS.budgetFile) {
    return {
      budget: EMPTY_BUDGET,
      note: `no budget file at ${settings.budgetFile}: only the run's figures are reported, no rule is checked`
    }
  }
  throw new UsageError(
    `budget-file: ${JSON.stringify(settings.budgetFile)} not found (looked in ${tried.join(', ')}); expected a YAML budget file`
  )
}

/** A store that cannot be reached costs the comparison, not the run; a corrupt file is an error. */
async function readHistorySafely(
  ctx: CheckContext,
  series: string
): Promise<{ history: HistoryRecord[]; note: string | null }> {
  try {
    return { history: await ctx.store.readHistory(series), note: null }
  } catch (error) {
    if (error instanceof UsageError) throw error
    ctx.log(
      `joulegate: cannot read history from ${ctx.store.description}: ${(error as Error).message}`
    )
    return {
      history: [],
      note: `history could not be read from ${ctx.store.description} (${(error as Error).message}), so there is no baseline`
    }
  }
}

export function commandSpecOf(settings: Settings, argv: string[] | null): CommandSpec {
  if (argv && argv.length > 0) return { argv }
  if (settings.command) return { shell: settings.command }
  throw new UsageError('command: no command given; expected the training command to measure')
}

export interface CheckContext extends PipelineContext {
  /** the CLI's `-- CMD ARGS` (kept as argv); the action passes its `command` input instead */
  argv?: string[] | null
  env?: NodeJS.ProcessEnv
  onTick?: Parameters<typeof runMeasurement>[2]['onTick']
  /** a measurement made elsewhere (tests, `report`); skips running the command */
  measurement?: Measurement
}

export async function runCheck(settings: Settings, ctx: CheckContext): Promise<CheckOutcome> {
  const cwd = ctx.cwd
  const root = ctx.workspace ?? cwd
  // a budget next to the command (a project in a monorepo) wins over one at the repository root
  const { budget, note: budgetNote } = await loadBudget(settings, cwd, root)
  const spec = commandSpecOf(settings, ctx.argv ?? null)
  // History is read before the training runs: a store that cannot be read fails fast, and a
  // corrupt history file (exit 2) never costs a training run.
  const { history, note: historyNote } = await readHistorySafely(ctx, settings.name)
  const measurement =
    ctx.measurement ??
    (await runMeasurement(spec, settings, {
      env: ctx.env ?? process.env,
      cwd,
      log: ctx.log,
      signal: ctx.signal,
      onTick: ctx.onTick
    }))
  const ancestry = await readFirstParentAncestry(cwd)
  const headCommit = ctx.headSha ?? ancestry?.shas[0] ?? null
  const pair = await findCalibrations(measurement.host.fingerprint, {
    cwd: root,
    localFile: settings.calibration,
    referenceFile: settings.referenceCalibration,
    store: ctx.store
  })
  // the series is the workload family: a calibration point of it on both hosts anchors the figure
  measurement.family ??= settings.name
  const { normalization, note: normNote } = normalizeWith(measurement, pair)
  const record: HistoryRecord = {
    schema: RESULT_SCHEMA,
    series: settings.name,
    commit: headCommit,
    recordedAt: new Date().toISOString(),
    runner: (ctx.env ?? process.env)['RUNNER_NAME'] ?? null,
    measurement,
    normalization,
    calibrationFingerprint: pair.local?.host.fingerprint ?? null,
    calibrationCreatedAt: pair.local?.createdAt ?? null
  }
  const choice = selectBaseline({
    records: history,
    baseCommit: ctx.baseSha,
    ancestry: ancestry?.shas ?? null,
    shallow: ancestry?.shallow
  })
  const progress = analyseProgress(measurement, budget)
  const notes = [budgetNote, historyNote, normNote, ...pair.notes, ...progress.notes].filter(
    (n): n is string => Boolean(n)
  )
  const result = buildCheckResult({
    settings,
    record,
    baseline: choice.record
      ? {
          // several records at the baseline commit are pooled into one with repeat statistics
          record: poolBaselineRecords(choice.records) ?? choice.record,
          reason: choice.reason,
          commit: choice.commit
        }
      : null,
    baselineReason: choice.reason,
    budget,
    noiseFloor: pair.local ? noiseFloorFromCalibration(pair.local.points) : null,
    projection: progress.projection,
    curveSentence: progress.sentence,
    notes
  })
  if (settings.record) {
    await ctx.store.appendRecord(settings.name, record)
    ctx.log(
      `joulegate: recorded this run in ${ctx.store.description} (series ${settings.name}, commit ${headCommit ?? 'unknown'})`
    )
  }
  return renderCheckResult(result, { history })
}

/** record: measure and append to history as a baseline; the report shows the run's own figures. */
export async function runRecord(settings: Settings, ctx: CheckContext): Promise<CheckOutcome> {
  return runCheck({ ...settings, record: true }, { ...ctx, baseSha: null })
}
