// The action's entry: inputs -> Settings, the run's policy, one of four modes; one top-level catch.
import * as core from '@actions/core'
import { installCancellation } from './cancellation.js'
import { readEnv } from './env.js'
import type { Jobs } from './jobs.js'
import { readSettings } from './inputs.js'
import { runAnyReportMode } from './matrix-report.js'
import { runCalibrateMode, runCheckMode, runRecordMode, type ModeRun } from './modes.js'
import { decideRunPolicy } from './policy.js'

const modes = {
  check: runCheckMode,
  record: runRecordMode,
  calibrate: runCalibrateMode,
  report: runAnyReportMode
} as const

/** Any error fails the step with its message; nothing is thrown past this function. */
export async function run(jobs: Jobs): Promise<void> {
  const cancellation = installCancellation(
    (name) =>
      core.warning(
        `joulegate: received ${name}; stopping the command and reporting what was measured`
      ),
    () => {
      core.setFailed('joulegate: cancelled, and the partial result could not be written in time')
      process.exit(1)
    }
  )
  try {
    const env = readEnv()
    const settings = readSettings(env.run.vars)
    const policy = decideRunPolicy(settings, env)
    for (const note of policy.notes) core.info(`joulegate: ${note}`)
    const modeRun: ModeRun = { jobs, settings, env, policy, signal: cancellation.signal }
    await modes[settings.mode](modeRun)
  } catch (error) {
    core.setFailed(`joulegate: ${error instanceof Error ? error.message : String(error)}`)
    if (error instanceof Error && error.name !== 'UsageError' && error.stack)
      core.debug(error.stack)
  } finally {
    cancellation.dispose()
  }
}
