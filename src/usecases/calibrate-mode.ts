// The action's `calibrate` mode: the built-in suite for this runner, kept on the data branch.
import { renderCalibrationReport } from '../core/report/calibration-report.js'
import type { Settings } from '../core/settings.js'
import type { Calibration } from '../core/types.js'
import { runCalibration } from './calibrate.js'
import type { JobContext } from './check.js'
import { chooseSuite } from './reference-suite.js'
import { sensorEnvOf } from './run-env.js'

interface CalibrateOutcome {
  calibration: Calibration
  /** markdown for the job summary */
  report: string
  /** drift against the previous calibration of this runner, one line each (warned) */
  warnings: string[]
  interrupted: boolean
}

export async function runCalibrate(settings: Settings, ctx: JobContext): Promise<CalibrateOutcome> {
  const { workloads, notices } = await chooseSuite(
    'auto',
    sensorEnvOf(ctx.env, settings.intervalMs)
  )
  for (const notice of notices) ctx.log(`joulegate: ${notice}`)
  const result = await runCalibration({
    workloads,
    runs: 3,
    quick: false,
    cooldownS: 5,
    idleS: settings.idleSeconds,
    intervalMs: settings.intervalMs,
    env: ctx.env,
    cwd: ctx.cwd,
    signal: ctx.signal,
    log: ctx.log,
    store: ctx.store
  })
  // only a full-scale calibration becomes the runner's (this mode never runs the quick scale)
  if (!result.interrupted && result.calibration.kind !== 'quick')
    await ctx.store.writeCalibration(result.calibration.host.fingerprint, result.calibration)
  return {
    calibration: result.calibration,
    report: renderCalibrationReport(result.calibration, result.warnings, ctx.store.description),
    warnings: result.warnings,
    interrupted: result.interrupted
  }
}
