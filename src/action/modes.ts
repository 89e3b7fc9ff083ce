// The four modes. Each ends the same way: files, outputs, summary (and the comment where allowed)
// are written BEFORE the step's status is decided, so a failing or cancelled run still reports.
import { MAX_JSON_BYTES, checkInputSize, checkNesting } from '../core/input-limits.js'
import { writeOrKeep, type OutputTarget } from '../usecases/preflight.js'
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { UsageError, describeBadValue } from '../core/errors.js'
import { INPUTS, OUTPUTS, type Settings } from '../core/settings.js'
import type { JobContext } from '../usecases/check.js'
import type { CheckOutcome } from '../usecases/result-file.js'
import { isPullRequestEvent, type RunEnvironment } from './event.js'
import { GITHUB_ACTIONS_BOT } from '../core/github-bot.js'
import type { Jobs } from './jobs.js'
import type { RunPolicy } from './policy.js'
import {
  describeOrigin,
  resolveResultPath,
  setCheckOutputs,
  writeJobSummary,
  writeRunFiles,
  type WrittenFiles
} from './publish.js'
import { postCommitStatus, statusContext, type CommitState } from './commit-status.js'
import { readPull, upsertStickyComment } from './sticky-comment.js'

export interface ModeRun {
  jobs: Jobs
  settings: Settings
  env: RunEnvironment
  policy: RunPolicy
  signal: AbortSignal
}

const log = (line: string): void => core.info(line)

export async function withStore<T>(run: ModeRun, use: (ctx: JobContext) => Promise<T>): Promise<T> {
  const cwd = resolve(run.env.workspace, run.settings.workingDirectory ?? '.')
  // check and report judge; only record and calibrate write history
  const writable =
    !isPullRequestEvent(run.env.eventName) &&
    run.settings.mode !== 'check' &&
    run.settings.mode !== 'report'
  const store = await run.jobs.openStore({
    cwd,
    branch: run.settings.dataBranch,
    writable,
    // the bot's commit identity, so data-branch commits need no git config on the runner
    identity: GITHUB_ACTIONS_BOT,
    token: run.settings.githubToken,
    repoUrl:
      run.env.owner && run.env.repo
        ? `${run.env.serverUrl}/${run.env.owner}/${run.env.repo}`
        : null,
    env: run.env.run.vars,
    log
  })
  const ctx: JobContext = {
    cwd,
    workspace: run.env.workspace,
    baseSha: run.env.pullRequest?.baseSha ?? null,
    headSha: run.env.pullRequest?.headSha ?? run.env.sha,
    store,
    env: run.env.run,
    log,
    signal: run.signal
  }
  try {
    return await use(ctx)
  } finally {
    await store.close()
  }
}

/** Files, outputs and summary for a measured (or re-rendered) outcome. */
export async function publish(run: ModeRun, outcome: CheckOutcome, result: object): Promise<void> {
  const resultPath = resolveResultPath(run.settings, run.env)
  let files: WrittenFiles
  try {
    files = await writeRunFiles(outcome.report, result, resultPath)
  } catch (error) {
    // checked before the training, yet the write failed (a full disk): keep both, say where
    const log = (line: string): void => core.warning(line)
    const json = `${JSON.stringify(result, null, 2)}\n`
    const kept = await writeOrKeep(resultPath, json, 'result', log)
    const reportPath = resultPath.replace(/(\.json)?$/i, '.md')
    const report = await writeOrKeep(reportPath, outcome.report, 'report', log)
    files = { resultPath: kept.path, reportPath: report.path }
    core.setFailed(
      `joulegate: the result could not be written (${(error as Error).message}); kept in ${kept.path} and ${report.path}`
    )
  }
  setCheckOutputs(outcome, files)
  await writeJobSummary(outcome.report, run.env)
  core.info(outcome.summaryText)
}

export async function postComment(
  run: ModeRun,
  issueNumber: number,
  report: string
): Promise<void> {
  const { settings, env } = run
  if (!env.owner || !env.repo || settings.githubToken === null) return
  const res = await upsertStickyComment({
    token: settings.githubToken,
    apiUrl: env.apiUrl,
    owner: env.owner,
    repo: env.repo,
    issueNumber,
    series: settings.name,
    body: report,
    author: settings.commentAuthor,
    log: (line) => core.warning(line)
  })
  if (res.action === 'forbidden') {
    core.warning(
      `joulegate: could not comment on #${issueNumber} (HTTP ${res.status}: ${res.message}); a fork's token is read-only — the summary and outputs carry the result`
    )
  } else if (res.action === 'unavailable') {
    core.warning(
      `joulegate: could not comment on #${issueNumber} (${res.message}); the summary and outputs carry the result`
    )
  } else {
    core.info(`joulegate: ${res.action} comment ${res.url} as ${res.author}`)
  }
}

/** The step's status: the command's failure, a cancellation, then the verdict (unless report-only). */
export function decideStep(settings: Settings, outcome: CheckOutcome, judge = true): void {
  if (outcome.interrupted)
    return core.setFailed('joulegate: cancelled; the partial measurement was reported')
  if (outcome.commandExitCode !== null && outcome.commandExitCode !== 0) {
    return core.setFailed(
      `joulegate: the command exited with status ${outcome.commandExitCode}; its measurement was still reported`
    )
  }
  if (!judge || outcome.verdict !== 'fail') return
  if (settings.failOnBudget)
    return core.setFailed(
      `joulegate: verdict fail for series ${settings.name} (${outcome.summaryText.split('\n')[0]})`
    )
  core.warning(
    `joulegate: verdict fail for series ${settings.name}; fail-on-budget is false, so the step passes`
  )
}

/** The result and report files publish() writes, checked before the command runs. */
function withOutputs<T extends object>(run: ModeRun, ctx: T): T & { outputs: OutputTarget[] } {
  const resultPath = resolveResultPath(run.settings, run.env)
  const outputs: OutputTarget[] = [
    { input: INPUTS.resultFile, path: resultPath, createsFolders: true },
    {
      input: INPUTS.resultFile,
      path: resultPath.replace(/(\.json)?$/i, '.md'),
      createsFolders: true
    }
  ]
  return { ...ctx, outputs }
}

export async function runCheckMode(run: ModeRun): Promise<void> {
  const outcome = await withStore(run, (ctx) =>
    run.jobs.check({ ...run.settings, record: false }, withOutputs(run, ctx))
  )
  await publish(run, outcome, { ...outcome.result, github: describeOrigin(run.settings, run.env) })
  if (run.policy.postComment && run.env.pullRequest)
    await postComment(run, run.env.pullRequest.number, outcome.report)
  decideStep(run.settings, outcome)
}

export async function runRecordMode(run: ModeRun): Promise<void> {
  const outcome = await withStore(run, (ctx) =>
    run.jobs.record({ ...run.settings, record: true }, withOutputs(run, ctx))
  )
  await publish(run, outcome, { ...outcome.result, github: describeOrigin(run.settings, run.env) })
  // Recording stores a baseline; it judges nothing, so only a broken or cancelled command fails it.
  decideStep(run.settings, outcome, false)
}

export async function runCalibrateMode(run: ModeRun): Promise<void> {
  // the built-in suite only: the action's calibrate mode is this runner's calibration
  const outcome = await withStore(run, (ctx) =>
    run.jobs.calibrate(run.settings, { suite: 'auto' }, ctx)
  )
  for (const warning of outcome.warnings) core.warning(`joulegate: ${warning}`)
  const resultPath = resolveResultPath(run.settings, run.env)
  const files = await writeRunFiles(outcome.report, outcome.calibration, resultPath)
  core.setOutput(OUTPUTS.report, files.reportPath)
  core.setOutput(OUTPUTS.result, files.resultPath)
  await writeJobSummary(outcome.report, run.env)
  if (outcome.interrupted) core.setFailed('joulegate: calibration cancelled; nothing was stored')
}

/** One result JSON object; `shown` is what an error names (the input's value, or a matched file). */
export async function readResultJson(
  shown: string,
  path: string
): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(
      `${describeBadValue(INPUTS.resultFile, shown, 'a readable result JSON file')} (${(error as Error).message})`
    )
  }
  // the file comes from an untrusted run's artifact: bounded before it is parsed or walked
  checkInputSize(text, MAX_JSON_BYTES, `result-file ${shown}`, 'joulegate result file')
  try {
    const value: unknown = JSON.parse(text)
    checkNesting(value, `result-file ${shown}`)
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not an object')
    return value as Record<string, unknown>
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(
      describeBadValue(INPUTS.resultFile, shown, 'a JSON object written by joulegate')
    )
  }
}

async function readResultFile(
  settings: Settings,
  env: RunEnvironment
): Promise<Record<string, unknown>> {
  if (settings.resultFile === null)
    throw new UsageError(
      describeBadValue(INPUTS.resultFile, '', 'the path of a result JSON to post in mode report')
    )
  return readResultJson(settings.resultFile, resolveResultPath(settings, env))
}

interface ReportedPull {
  number: number
  /** the base commit as GitHub says (event payload or API), never as the result file says */
  baseSha: string | null
}

/**
 * The pull request to comment on. The workflow_run event names it for same-repository runs; for a
 * fork GitHub leaves that list empty, so the (untrusted) result's number is used only when that
 * pull request's head is the commit the workflow_run measured.
 */
export async function choosePullRequest(
  run: ModeRun,
  result: Record<string, unknown>
): Promise<ReportedPull | null> {
  const { env, settings } = run
  const linked = env.workflowRun?.pulls[0]
  if (linked) return linked
  if (env.pullRequest) return { number: env.pullRequest.number, baseSha: env.pullRequest.baseSha }
  const github = result['github'] as { pullRequest?: unknown } | undefined
  const claimed =
    typeof github?.pullRequest === 'number' &&
    Number.isInteger(github.pullRequest) &&
    github.pullRequest > 0
      ? github.pullRequest
      : null
  if (claimed === null) return null
  const headSha = env.workflowRun?.headSha ?? null
  if (headSha === null || settings.githubToken === null || !env.owner || !env.repo) {
    core.warning(
      `joulegate: the result names pull request #${claimed}, but without a workflow_run head commit it cannot be verified; no comment posted`
    )
    return null
  }
  const actual = await readPull(settings.githubToken, env.apiUrl, env.owner, env.repo, claimed, {
    log: (line) => core.warning(line)
  })
  if (actual?.headSha !== headSha) {
    core.warning(
      `joulegate: the result names pull request #${claimed}, whose head (${actual?.headSha ?? 'not found'}) is not the measured commit ${headSha}; no comment posted`
    )
    return null
  }
  return { number: claimed, baseSha: actual.baseSha }
}

/** What branch protection sees on the measured commit: fail, or no trusted budget, is not green. */
function commitStateOf(settings: Settings, outcome: CheckOutcome): CommitState {
  if (outcome.budgetProblem) return 'error'
  return outcome.verdict === 'fail' && settings.failOnBudget ? 'failure' : 'success'
}

export async function reportCommitStatus(run: ModeRun, outcome: CheckOutcome): Promise<void> {
  const { env, settings } = run
  const sha = env.workflowRun?.headSha ?? null
  if (sha === null || settings.githubToken === null || !env.owner || !env.repo) return
  const state = commitStateOf(settings, outcome)
  const res = await postCommitStatus({
    token: settings.githubToken,
    apiUrl: env.apiUrl,
    owner: env.owner,
    repo: env.repo,
    sha,
    series: settings.name,
    state,
    description: outcome.summaryText.split('\n')[0] ?? outcome.verdict
  })
  if (res.ok)
    core.info(`joulegate: commit status ${statusContext(settings.name)} ${state} on ${sha}`)
  else
    core.warning(
      `joulegate: could not set commit status ${statusContext(settings.name)} on ${sha} (HTTP ${res.status ?? '?'}: ${res.message}); give the job \`statuses: write\` to make the verdict requirable`
    )
}

export async function runReportMode(run: ModeRun): Promise<void> {
  const result = await readResultFile(run.settings, run.env)
  const pull = await choosePullRequest(run, result)
  // Re-judged from the figures on the trusted side: markdown, budget and baseline from an
  // untrusted run are never used as they came.
  const outcome = await withStore(run, async (ctx) =>
    run.jobs.report(result, run.settings, {
      ...ctx,
      baseSha: pull?.baseSha ?? null,
      headSha: run.env.workflowRun?.headSha ?? null
    })
  )
  await publish(run, outcome, outcome.result)
  if (run.policy.postComment && pull !== null) await postComment(run, pull.number, outcome.report)
  else if (run.policy.postComment)
    core.info('joulegate: no pull request found for this result; no comment posted')
  await reportCommitStatus(run, outcome)
  decideStep(run.settings, { ...outcome, commandExitCode: null, interrupted: false })
}
