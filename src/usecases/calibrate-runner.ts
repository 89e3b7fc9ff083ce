// Calibrating a runner, the one path of both shells (`joulegate calibrate` and the action's
// calibrate mode): the built-in suite chosen for this host and the team's own workloads, run with
// the settings' runs, pause and scale, then kept in the store as the runner's calibration only
// when it is full-scale and complete: a smoke run's small-scale energies, or a calibration cut
// short, would make every later normalisation on this runner wrong.
import type { HistoryStore } from '../adapters/store/store.js'
import { renderCalibrationReport } from '../core/report/calibration-report.js'
import type { Settings } from '../core/settings.js'
import type { Calibration } from '../core/types.js'
import { runCalibration, type CalibrateOptions } from './calibrate.js'
import { chooseSuite, type SuiteWorkload } from './reference-suite.js'
import { sensorEnvOf, type RunEnv } from './run-env.js'

type CalibrateSettings = Pick<
  Settings,
  'calibrationRuns' | 'calibrationCooldownSeconds' | 'quick' | 'idleSeconds' | 'intervalMs'
>

interface CalibrateRequest {
  /** the built-in suite (auto: gpu when a GPU is visible), or null for `workloads` alone */
  suite: 'auto' | 'gpu' | 'cpu' | null
  /** the team's own workloads (`--workload NAME=CMD`), run after the suite */
  workloads?: SuiteWorkload[]
}

interface CalibrateContext extends Pick<
  CalibrateOptions,
  'onStep' | 'onTick' | 'onProgress' | 'signal' | 'log'
> {
  cwd?: string
  env: RunEnv
  /** where the runner's calibration is kept; null: nowhere (`--no-store`) */
  store: HistoryStore | null
}

interface CalibrateOutcome {
  calibration: Calibration
  /** drift against the previous calibration of this runner, one line each */
  warnings: string[]
  interrupted: boolean
  /** kept as the runner's calibration (full-scale, complete, with a store) */
  stored: boolean
  /** every workload it set out to run, in order */
  workloads: string[]
  /** markdown for the job summary */
  report: string
}

export async function calibrateRunner(
  settings: CalibrateSettings,
  request: CalibrateRequest,
  ctx: CalibrateContext
): Promise<CalibrateOutcome> {
  const chosen =
    request.suite === null
      ? { workloads: [], notices: [] }
      : await chooseSuite(request.suite, sensorEnvOf(ctx.env, settings.intervalMs))
  for (const notice of chosen.notices) ctx.log(`joulegate: ${notice}`)
  const workloads = [...chosen.workloads, ...(request.workloads ?? [])]
  const runs = settings.calibrationRuns
  const names = workloads.map((w) => w.name)
  ctx.log(`joulegate: calibrating with ${names.join(', ')} (${runs} runs each)`)
  const result = await runCalibration({
    workloads,
    runs,
    quick: settings.quick,
    cooldownS: settings.calibrationCooldownSeconds,
    idleS: settings.idleSeconds,
    intervalMs: settings.intervalMs,
    env: ctx.env,
    cwd: ctx.cwd,
    signal: ctx.signal,
    log: ctx.log,
    onStep: ctx.onStep,
    onTick: ctx.onTick,
    onProgress: ctx.onProgress,
    store: ctx.store
  })
  const store = ctx.store
  const stored = store !== null && !result.interrupted && result.calibration.kind !== 'quick'
  if (stored) await store.writeCalibration(result.calibration.host.fingerprint, result.calibration)
  return {
    ...result,
    stored,
    workloads: names,
    report: renderCalibrationReport(
      result.calibration,
      result.warnings,
      stored ? store.description : null
    )
  }
}
