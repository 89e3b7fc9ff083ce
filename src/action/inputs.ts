// The ONE module that reads the action's inputs. Every input declared in action.yml is read here,
// into the same RawSettings the CLI builds from its flags, and validated by parseSettings: a bad
// input throws a UsageError naming the input, the value and what was expected.
import * as core from '@actions/core'
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
  INPUTS.referenceCalibration
]

/** Reads INPUT_<NAME> (hyphens kept, as the runner sets them) for every declared input. */
export function readRawInputs(): RawSettings {
  const raw: RawSettings = {}
  for (const name of ACTION_INPUTS) raw[name] = core.getInput(name)
  return raw
}

export function readSettings(): Settings {
  const settings = parseSettings(readRawInputs())
  // Defence in depth: the runner masks `${{ github.token }}`, but a PAT passed some other way may not be.
  if (settings.githubToken) core.setSecret(settings.githubToken)
  return settings
}
