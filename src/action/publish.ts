// Everything a run leaves behind for people and later steps: the report and result JSON as files,
// the step outputs (contract names), and the job summary, which mirrors the comment.
import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { OUTPUTS, type Settings } from '../core/settings.js'
import type { CheckOutcome } from '../usecases/result-file.js'
import type { RunEnvironment } from './event.js'

/** GitHub refuses job summaries over 1 MiB; stay well clear (characters may take 3 bytes). */
const SUMMARY_LIMIT = 300_000

export interface WrittenFiles {
  reportPath: string
  resultPath: string
}

export function resolveResultPath(settings: Settings, env: RunEnvironment): string {
  if (settings.resultFile !== null) {
    return isAbsolute(settings.resultFile)
      ? settings.resultFile
      : resolve(env.workspace, settings.resultFile)
  }
  return join(env.runnerTemp, 'joulegate', settings.name, 'result.json')
}

/** Where the run came from, stored with the result so mode `report` can find the pull request. */
export function describeOrigin(settings: Settings, env: RunEnvironment): Record<string, unknown> {
  return {
    series: settings.name,
    eventName: env.eventName,
    repository: env.owner && env.repo ? `${env.owner}/${env.repo}` : null,
    pullRequest: env.pullRequest?.number ?? null,
    baseSha: env.pullRequest?.baseSha ?? null,
    headSha: env.pullRequest?.headSha ?? env.sha,
    runId: env.runId
  }
}

export async function writeRunFiles(
  report: string,
  result: object,
  resultPath: string
): Promise<WrittenFiles> {
  const reportPath = join(
    dirname(resultPath),
    `${resultPath.replace(/^.*[\\/]/, '').replace(/\.json$/i, '')}.md`
  )
  await mkdir(dirname(resultPath), { recursive: true })
  await writeFile(resultPath, `${JSON.stringify(result, null, 2)}\n`)
  await writeFile(reportPath, report.endsWith('\n') ? report : `${report}\n`)
  return { reportPath, resultPath }
}

const shown = (n: number | null): string => (n === null || !Number.isFinite(n) ? '' : String(n))

export function setCheckOutputs(outcome: CheckOutcome, files: WrittenFiles): void {
  core.setOutput(OUTPUTS.verdict, outcome.verdict)
  core.setOutput(OUTPUTS.energyKwh, shown(outcome.energyKwh))
  core.setOutput(OUTPUTS.normalizedEnergyKwh, shown(outcome.normalizedEnergyKwh))
  core.setOutput(OUTPUTS.energyDeltaPercent, shown(outcome.energyDeltaPercent))
  core.setOutput(OUTPUTS.co2Grams, shown(outcome.co2Grams))
  core.setOutput(OUTPUTS.report, files.reportPath)
  core.setOutput(OUTPUTS.result, files.resultPath)
}

function fitSummary(markdown: string): string {
  if (markdown.length <= SUMMARY_LIMIT) return markdown
  return `${markdown.slice(0, SUMMARY_LIMIT)}\n\n_… summary cut at ${SUMMARY_LIMIT} characters; the full report is the \`report\` output's file._\n`
}

/** Appends to the job summary; outside a runner (no GITHUB_STEP_SUMMARY) it only logs. */
export async function writeJobSummary(
  markdown: string,
  env: Pick<RunEnvironment, 'stepSummary'>
): Promise<void> {
  if (!env.stepSummary) {
    core.info('joulegate: GITHUB_STEP_SUMMARY is not set; job summary skipped')
    return
  }
  await core.summary.addRaw(fitSummary(markdown), true).write()
}
