// check and record: measure -> normalise -> compare -> judge -> report -> store. The CLI and the
// action both call these; they differ only in where the store lives and how the report is posted.
import { readAncestryForBaseline, type Ancestry } from '../adapters/git-ancestry.js'
import { countChangedFiles } from '../adapters/git-show.js'
import type { CommandSpec } from '../adapters/run-command.js'
import type { GitAt } from '../adapters/git.js'
import type { RunEnv } from './run-env.js'
import { poolBaselineRecords, selectBaseline } from '../core/compare/baseline.js'
import { UsageError } from '../core/errors.js'
import { describeSkippedLines } from '../core/history/history.js'
import type { HistoryStore } from '../adapters/store/store.js'
import type { Settings } from '../core/settings.js'
import { noiseFloorFromCalibration } from '../core/compare/stats.js'
import { RESULT_SCHEMA, type HistoryRecord, type Measurement } from '../core/types.js'
import { findCalibrations, normalizeWith } from './calibrations.js'
import {
  buildCheckResult,
  renderCheckResult,
  type BuildInput,
  type CheckOutcome
} from './result-file.js'
import { runMeasurement } from './run-measurement.js'
import { runPreflight, type OutputTarget } from './preflight.js'
import { analyseProgress } from './progress-analysis.js'
import { loadBaseBudget, loadBudget, type BudgetChoice } from './trusted-budget.js'

/** What a shell hands every job: where it runs, which commits it compares, the history store. */
export interface JobContext {
  /** where the command runs (the action's working-directory) */
  cwd: string
  /** the repository root: the budget file and calibration files are found from here (default cwd) */
  workspace?: string
  baseSha: string | null
  headSha: string | null
  /** the history store (git data branch in the action, a folder in the CLI) */
  store: HistoryStore
  /** the run environment the shell read once; children get its variables explicitly */
  env: RunEnv
  log: (line: string) => void
  /** aborted on SIGINT/SIGTERM: stop the command, keep the partial measurement */
  signal?: AbortSignal
}

/**
 * The budget that judges this run: with a base commit (a pull request, or the CLI's `--base`) the
 * base's budget read from git, since the checkout is the change under review; else the checkout's.
 */
async function chooseBudget(
  settings: Settings,
  cwd: string,
  root: string,
  base: string | null,
  env: RunEnv
): Promise<BudgetChoice & { baseSha: string | null }> {
  if (base) return loadBaseBudget(settings, { cwd, root, base, env: env.vars })
  const { budget, note } = await loadBudget(settings, cwd, root)
  return { budget, notes: note ? [note] : [], problem: null, baseSha: null }
}

/** --record on a checkout with local changes: the record names HEAD, which is not what ran. */
async function describeDirtyTree(at: GitAt, log: (line: string) => void): Promise<boolean> {
  const changed = await countChangedFiles(at)
  if (!changed) return false
  log(
    `joulegate: warning: ${changed} tracked file${changed === 1 ? '' : 's'} differ from HEAD; this run is recorded against HEAD with "dirty": true`
  )
  return true
}

/** A store that cannot be reached costs the comparison, not the run; a corrupt file is an error. */
export async function readHistorySafely(
  ctx: JobContext,
  series: string
): Promise<{ history: HistoryRecord[]; note: string | null }> {
  try {
    const history = await ctx.store.readHistory(series)
    return { history, note: describeSkippedLines(history).join('; ') || null }
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

/** The baseline a run is compared with, as buildCheckResult takes it. */
export function chooseBaseline(
  history: HistoryRecord[],
  baseSha: string | null,
  ancestry: Ancestry | null
): Pick<BuildInput, 'baseline' | 'baselineReason'> {
  const choice = selectBaseline({
    records: history,
    baseCommit: baseSha,
    ancestry: ancestry?.shas ?? null,
    shallow: ancestry?.shallow
  })
  const baseline = choice.record
    ? {
        // several records at the baseline commit are pooled into one with repeat statistics
        record: poolBaselineRecords(choice.records) ?? choice.record,
        reason: choice.reason,
        commit: choice.commit
      }
    : null
  return { baseline, baselineReason: choice.reason }
}

function commandSpecOf(settings: Settings, argv: string[] | null): CommandSpec {
  if (argv && argv.length > 0) return { argv }
  if (settings.command) return { shell: settings.command }
  throw new UsageError('command: no command given; expected the training command to measure')
}

interface CheckContext extends JobContext {
  /** the CLI's `-- CMD ARGS` (kept as argv); the action passes its `command` input instead */
  argv?: string[] | null
  onTick?: Parameters<typeof runMeasurement>[2]['onTick']
  onStep?: Parameters<typeof runMeasurement>[2]['onStep']
  /** a measurement made elsewhere (tests, `report`); skips running the command */
  measurement?: Measurement
  /** files the caller writes once the check is done, checked before the command runs */
  outputs?: readonly OutputTarget[]
}

export async function runCheck(settings: Settings, ctx: CheckContext): Promise<CheckOutcome> {
  const cwd = ctx.cwd
  const root = ctx.workspace ?? cwd
  // output paths, carbon intensity and calibration files: a mistake costs nothing yet
  await runPreflight(settings, { root, outputs: ctx.outputs ?? [] })
  // a budget next to the command (a project in a monorepo) wins over one at the repository root
  const chosen = await chooseBudget(settings, cwd, root, ctx.baseSha, ctx.env)
  const budget = chosen.budget
  const baseSha = chosen.baseSha ?? ctx.baseSha
  const spec = commandSpecOf(settings, ctx.argv ?? null)
  // History is read before the training runs: a store that cannot be read fails fast, and a
  // corrupt history file (exit 2) never costs a training run.
  const { history, note: historyNote } = await readHistorySafely(ctx, settings.name)
  // a store the run could not be recorded into is found out before the training, not after it
  if (settings.record) await ctx.store.checkWritable?.(settings.name)
  const measurement =
    ctx.measurement ??
    (await runMeasurement(spec, settings, {
      env: ctx.env,
      cwd,
      log: ctx.log,
      signal: ctx.signal,
      onTick: ctx.onTick,
      onStep: ctx.onStep
    }))
  const ancestry = await readAncestryForBaseline(
    { cwd, env: ctx.env.vars },
    { records: history, baseCommit: baseSha },
    { log: ctx.log }
  )
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
    runner: ctx.env.runnerName,
    measurement,
    normalization,
    calibrationFingerprint: pair.local?.host.fingerprint ?? null,
    calibrationCreatedAt: pair.local?.createdAt ?? null
  }
  if (settings.record && (await describeDirtyTree({ cwd, env: ctx.env.vars }, ctx.log)))
    record.dirty = true
  const progress = analyseProgress(measurement, budget)
  const notes = [...chosen.notes, historyNote, normNote, ...pair.notes, ...progress.notes].filter(
    (n): n is string => Boolean(n)
  )
  const result = buildCheckResult({
    settings,
    record,
    ...chooseBaseline(history, baseSha, ancestry),
    budget,
    budgetProblem: chosen.problem,
    noiseFloor: pair.local ? noiseFloorFromCalibration(pair.local.points) : null,
    projection: progress.projection,
    curveSentence: progress.sentence,
    notes
  })
  const outcome = renderCheckResult(result, { history })
  if (settings.record) {
    // the verdict goes with the record, so the dashboard's last verdicts need no re-judging
    await ctx.store.appendRecord(settings.name, { ...record, verdict: outcome.verdict })
    ctx.log(
      `joulegate: recorded this run in ${ctx.store.description} (series ${settings.name}, commit ${headCommit ?? 'unknown'})`
    )
  }
  return outcome
}

/** record: measure and append to history as a baseline; the report shows the run's own figures. */
export async function runRecord(settings: Settings, ctx: CheckContext): Promise<CheckOutcome> {
  return runCheck({ ...settings, record: true }, { ...ctx, baseSha: null })
}
