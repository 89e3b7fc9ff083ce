// Mode report over a matrix: `result-file` is a pattern matching the results every GPU runner of
// the matrix uploaded; one join job judges each of them on the trusted side, exactly as a single
// result is judged, and posts ONE comment with a row per runner. A single join job writes it, so
// no two jobs ever edit the same comment.
import * as core from '@actions/core'
import { relative } from 'node:path'
import { GlobLimitError, expandGlob, isGlobPattern } from '../adapters/glob-files.js'
import { UsageError, describeBadValue } from '../core/errors.js'
import {
  decideMatrixVerdict,
  describeRunner,
  formatMatrixSummary,
  renderMatrixComment,
  type MatrixRunner
} from '../core/report/matrix-comment.js'
import { INPUTS, parseSeriesName } from '../core/settings.js'
import type { CheckOutcome } from '../usecases/result-file.js'
import {
  choosePullRequest,
  decideStep,
  postComment,
  publish,
  readResultJson,
  reportCommitStatus,
  runReportMode,
  withStore,
  type ModeRun
} from './modes.js'

/** A matrix larger than this is almost surely a pattern that catches more than results. */
const MAX_RESULT_FILES = 64
const MAX_WALKED_ENTRIES = 20_000

interface ResultFile {
  shown: string
  raw: Record<string, unknown>
  series: string
}

async function findResultFiles(run: ModeRun, pattern: string): Promise<string[]> {
  const base = run.env.workspace
  let paths: string[]
  try {
    paths = await expandGlob(pattern, base, {
      maxMatches: MAX_RESULT_FILES,
      maxEntries: MAX_WALKED_ENTRIES
    })
  } catch (error) {
    if (!(error instanceof GlobLimitError)) throw error
    throw new UsageError(
      `${describeBadValue(INPUTS.resultFile, pattern, `a pattern matching at most ${MAX_RESULT_FILES} result files`)} (${error.message}; narrow the pattern)`
    )
  }
  if (paths.length === 0)
    throw new UsageError(
      `${describeBadValue(INPUTS.resultFile, pattern, `a pattern matching at least one result JSON under ${base}`)} (no file matched; did the download-artifact step run, and into which folder?)`
    )
  return paths
}

/**
 * Each runner of the matrix is its own series (its own history and baseline); the join job's
 * `name` is their common prefix, so a result cannot pick a series outside the matrix it reports.
 */
function chooseSeries(shown: string, raw: Record<string, unknown>, name: string): string {
  const series = raw['series']
  const expected = `the series "${name}" or one starting with "${name}-" (input "name" is the matrix's prefix)`
  if (typeof series !== 'string' || (series !== name && !series.startsWith(`${name}-`)))
    throw new UsageError(describeBadValue(`result-file ${shown} series`, series ?? null, expected))
  return parseSeriesName(`result-file ${shown} series`, series)
}

async function readResultFiles(run: ModeRun, paths: string[]): Promise<ResultFile[]> {
  const files: ResultFile[] = []
  const seen = new Map<string, string>()
  for (const path of paths) {
    const shown = relative(run.env.workspace, path) || path
    const raw = await readResultJson(shown, path)
    const series = chooseSeries(shown, raw, run.settings.name)
    const earlier = seen.get(series)
    if (earlier !== undefined)
      throw new UsageError(
        `${describeBadValue(INPUTS.resultFile, run.settings.resultFile, 'one result per series')} (${earlier} and ${shown} are both series ${series}; a matrix job's artifact was downloaded twice?)`
      )
    seen.set(series, shown)
    files.push({ shown, raw, series })
  }
  return files
}

/** The pull request the results claim, when they all claim the same one (verified by the caller). */
function claimOf(files: readonly ResultFile[]): Record<string, unknown> {
  const claims = new Set(
    files.map((f) => (f.raw['github'] as { pullRequest?: unknown } | undefined)?.pullRequest)
  )
  if (claims.size === 1) return files[0]!.raw
  core.warning(
    'joulegate: the result files name different pull requests; only the event can say which to comment on'
  )
  return {}
}

const sum = (xs: readonly (number | null)[]): number | null =>
  xs.some((x) => x === null) ? null : xs.reduce<number>((a, x) => a + (x ?? 0), 0)

/**
 * The matrix as one outcome for the step's outputs: verdict overall, energy and CO2 summed over the
 * runners (what the whole matrix cost), the change of the runner that changed most.
 */
function combineOutcomes(
  run: ModeRun,
  outcomes: readonly CheckOutcome[],
  runners: readonly MatrixRunner[]
): CheckOutcome {
  const verdict = decideMatrixVerdict(runners.map((r) => r.verdict))
  const deltas = outcomes.map((o) => o.energyDeltaPercent).filter((d): d is number => d !== null)
  return {
    verdict,
    report: renderMatrixComment(runners, { marker: run.settings.name }),
    summaryText: formatMatrixSummary(run.settings.name, runners),
    result: {
      series: run.settings.name,
      verdict,
      runners: outcomes.map((o) => o.result)
    },
    energyKwh: outcomes.reduce((a, o) => a + o.energyKwh, 0),
    normalizedEnergyKwh: sum(outcomes.map((o) => o.normalizedEnergyKwh)),
    energyDeltaPercent: deltas.length > 0 ? Math.max(...deltas) : null,
    co2Grams: sum(outcomes.map((o) => o.co2Grams)),
    commandExitCode: null,
    interrupted: false,
    budgetProblem: outcomes.find((o) => o.budgetProblem)?.budgetProblem ?? null
  }
}

async function runMatrixReportMode(run: ModeRun, pattern: string): Promise<void> {
  const files = await readResultFiles(run, await findResultFiles(run, pattern))
  core.info(`joulegate: ${files.length} result files match ${pattern}`)
  const pull = await choosePullRequest(run, claimOf(files))
  const outcomes = await withStore(run, async (ctx) => {
    const judged: CheckOutcome[] = []
    // one at a time: each reads the same data branch, and errors name the file they came from
    for (const file of files) {
      try {
        judged.push(
          await run.jobs.report(
            file.raw,
            { ...run.settings, name: file.series },
            {
              ...ctx,
              baseSha: pull?.baseSha ?? null,
              headSha: run.env.workflowRun?.headSha ?? null
            }
          )
        )
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError(`${file.shown}: ${error.message}`)
        throw error
      }
    }
    return judged
  })
  const runners = outcomes.map((o, i) => {
    if (!o.judgement) throw new Error(`${files[i]!.shown}: the report job returned no judgement`)
    return describeRunner(o.judgement, o.report)
  })
  const order = runners
    .map((_, i) => i)
    .sort((a, b) => (runners[a]!.series < runners[b]!.series ? -1 : 1))
  const outcome = combineOutcomes(
    run,
    order.map((i) => outcomes[i]!),
    order.map((i) => runners[i]!)
  )
  // the combined result goes to the default result path: the input is a pattern, not a file
  await publish(
    { ...run, settings: { ...run.settings, resultFile: null } },
    outcome,
    outcome.result
  )
  if (run.policy.postComment && pull !== null) await postComment(run, pull.number, outcome.report)
  else if (run.policy.postComment)
    core.info('joulegate: no pull request found for these results; no comment posted')
  await reportCommitStatus(run, outcome)
  decideStep(run.settings, outcome)
}

/** Mode report: a pattern reports a matrix in one comment; a plain path behaves as it always has. */
export async function runAnyReportMode(run: ModeRun): Promise<void> {
  const file = run.settings.resultFile
  if (file !== null && isGlobPattern(file)) return runMatrixReportMode(run, file)
  return runReportMode(run)
}
