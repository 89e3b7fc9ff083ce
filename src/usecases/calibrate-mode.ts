// The action's `calibrate` mode: the built-in suite for this runner, kept on the data branch.
import { markdownTable } from 'markdown-table'
import { formatEnergy } from '../core/report/format.js'
import type { Settings } from '../core/settings.js'
import type { Calibration } from '../core/types.js'
import { runCalibration } from './calibrate.js'
import type { CalibrateOutcome, PipelineContext } from './contracts.js'
import { chooseSuite } from './reference-suite.js'
import { sensorEnvOf } from './run-env.js'

function renderCalibrationReport(
  cal: Calibration,
  warnings: readonly string[],
  where: string
): string {
  const rows = cal.points.map((p) => [
    p.workload,
    formatEnergy(p.energyJ),
    `${p.durationS.toFixed(1)} s`,
    `${p.meanPowerW.toFixed(1)} W`,
    p.cv === undefined ? '—' : `${(p.cv * 100).toFixed(1)}%`,
    String(p.runs ?? 1)
  ])
  return [
    `### joulegate calibration for host \`${cal.host.fingerprint}\``,
    '',
    `${cal.host.gpus.map((g) => g.name).join(', ') || cal.host.cpu}; driver ${cal.host.driver ?? 'n/a'}; idle ${cal.idlePowerW === null ? 'not measured' : `${cal.idlePowerW.toFixed(1)} W`}; mean power is the ${cal.powerOf ?? 'gpu'}'s.`,
    '',
    markdownTable([['workload', 'energy', 'duration', 'mean power', 'cv', 'runs'], ...rows]),
    '',
    ...(warnings.length > 0
      ? ['**Drift against the previous calibration:**', '', ...warnings.map((w) => `- ${w}`), '']
      : []),
    ...(cal.notices ?? []).map((n) => `> ${n}`),
    `Kept in ${where}.`
  ].join('\n')
}

export async function runCalibrate(
  settings: Settings,
  ctx: PipelineContext
): Promise<CalibrateOutcome> {
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
