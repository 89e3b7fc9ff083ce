// The calibration report: the job summary the action writes and the lines the CLI prints, from
// the same points, so a runner's calibration reads the same in both.
import { markdownTable } from 'markdown-table'
import type { Calibration } from '../types.js'
import { formatEnergy, formatShare } from './format.js'

/** The job summary of a calibration: one row per workload, drift warnings, where it is kept. */
export function renderCalibrationReport(
  cal: Calibration,
  warnings: readonly string[],
  /** where it was kept as the runner's calibration; null: it was not (quick, cut short, no store) */
  where: string | null
): string {
  const rows = cal.points.map((p) => [
    p.workload,
    formatEnergy(p.energyJ),
    `${p.durationS.toFixed(1)} s`,
    `${p.meanPowerW.toFixed(1)} W`,
    p.cv === undefined ? '—' : formatShare(p.cv),
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
    where === null
      ? "Not kept as this runner's calibration: a quick or interrupted run, or no store, never becomes one."
      : `Kept in ${where}.`
  ].join('\n')
}

/** One line per workload for the terminal, after the calibration was written. */
export function formatCalibrationLines(cal: Calibration): string[] {
  return cal.points.map(
    (p) =>
      `  ${p.workload}: ${formatEnergy(p.energyJ)} in ${p.durationS.toFixed(1)} s, ${p.meanPowerW.toFixed(1)} W, cv ${formatShare(p.cv ?? 0)}`
  )
}
