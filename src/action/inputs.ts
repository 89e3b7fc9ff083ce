// The ONE module that reads the action's inputs. Every input declared in action.yml is read here,
// into the same RawSettings the CLI builds from its flags, and validated by parseSettings: a bad
// input throws a UsageError naming the input, the value and what was expected.
import * as core from '@actions/core'
import { realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { UsageError, describeBadValue } from '../core/errors.js'
import type { EnvVars } from '../usecases/run-env.js'
import {
  INPUTS,
  parseSettings,
  type InputName,
  type RawSettings,
  type Settings
} from '../core/settings.js'

/** The inputs action.yml declares (a test keeps the two lists equal). CLI-only names are absent. */
export const ACTION_INPUTS: readonly InputName[] = [
  INPUTS.mode,
  INPUTS.command,
  INPUTS.name,
  INPUTS.repeat,
  INPUTS.budgetFile,
  INPUTS.githubToken,
  INPUTS.comment,
  INPUTS.dataBranch,
  INPUTS.failOnBudget,
  INPUTS.idleSeconds,
  INPUTS.carbonIntensity,
  INPUTS.pue,
  INPUTS.workingDirectory,
  INPUTS.resultFile,
  INPUTS.trustedCode,
  INPUTS.commentAuthor,
  INPUTS.intervalMs,
  INPUTS.referenceCalibration,
  INPUTS.prometheusUrl,
  INPUTS.prometheusSelector,
  INPUTS.calibrationRuns,
  INPUTS.calibrationCooldownSeconds
]

/** Reads INPUT_<NAME> (hyphens kept, as the runner sets them) for every declared input. */
function readRawInputs(): RawSettings {
  const raw: RawSettings = {}
  for (const name of ACTION_INPUTS) raw[name] = core.getInput(name)
  return raw
}

/**
 * The working directory as a path relative to the workspace, after following every symlink: a
 * pull request controls the checkout's links, and `..` or a link to /etc must not move the
 * command, the budget file or the store outside the repository it judges.
 */
function resolveWorkingDirectory(value: string | null, workspace: string): string | null {
  if (value === null) return null
  const expected = `a directory inside the workspace ${workspace}`
  let root: string
  let real: string
  try {
    root = realpathSync(workspace)
    real = realpathSync(path.resolve(workspace, value))
  } catch (error) {
    throw new UsageError(
      `${describeBadValue(INPUTS.workingDirectory, value, expected)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
    )
  }
  const relative = path.relative(root, real)
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    const via = real === path.resolve(workspace, value) ? '' : ` (it resolves to ${real})`
    throw new UsageError(`${describeBadValue(INPUTS.workingDirectory, value, expected)}${via}`)
  }
  if (!statSync(real).isDirectory())
    throw new UsageError(describeBadValue(INPUTS.workingDirectory, value, expected))
  return relative === '' ? '.' : relative
}

export function readSettings(env: EnvVars): Settings {
  const settings = parseSettings(readRawInputs())
  // Defence in depth: the runner masks `${{ github.token }}`, but a PAT passed some other way may not be.
  if (settings.githubToken) core.setSecret(settings.githubToken)
  // the cluster's bearer token arrives through the environment; it must never reach the log
  const prometheusToken = env['JOULEGATE_PROMETHEUS_TOKEN']
  if (prometheusToken) core.setSecret(prometheusToken)
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd()
  return {
    ...settings,
    workingDirectory: resolveWorkingDirectory(settings.workingDirectory, workspace)
  }
}
