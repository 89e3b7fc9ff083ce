// The human summary printed by `measure`: every figure carries the method that produced it.
import { markdownTable } from 'markdown-table'
import { describeTotalMethod } from '../measurement.js'
import type { Measurement } from '../types.js'
import { describeMethod, formatDuration, formatEnergy, formatShare, formatWatts } from './format.js'

export function summarizeMeasurement(m: Measurement): string {
  const rows = m.components.map((c) => [
    c.id,
    c.name,
    `${describeMethod(c.method)} (${c.source})`,
    c.method === 'estimate' ? `≈ ${formatEnergy(c.energyJ)}` : formatEnergy(c.energyJ),
    c.method === 'estimate' ? `≈ ${formatWatts(c.meanPowerW)}` : formatWatts(c.meanPowerW),
    c.coverage === undefined ? '—' : formatShare(c.coverage)
  ])
  const totalMethod = describeTotalMethod(m.components)
  const estimated = m.components.some((c) => c.method === 'estimate')
  rows.push([
    'total',
    '',
    totalMethod,
    `${estimated ? '≈ ' : ''}${formatEnergy(m.energyJ)}`,
    `${estimated ? '≈ ' : ''}${formatWatts(m.durationS > 0 ? m.energyJ / m.durationS : null)}`,
    ''
  ])
  const lines = [
    `command: ${m.command}`,
    `exit: ${describeExit(m)}${m.interrupted ? ' (interrupted: partial measurement)' : ''} · duration ${formatDuration(m.durationS)}`,
    '',
    markdownTable(
      [['component', 'device', 'method', 'energy', 'mean power', 'coverage'], ...rows],
      { align: ['l', 'l', 'l', 'r', 'r', 'r'] }
    ),
    ''
  ]
  if (m.idlePowerW !== null) {
    lines.push(
      `idle power: ${estimated ? '≈ ' : ''}${formatWatts(m.idlePowerW)} (${totalMethod}); net of idle: ${estimated ? '≈ ' : ''}${formatEnergy(m.netEnergyJ ?? 0)}`
    )
  } else lines.push(`idle power: not measured${m.interrupted ? '' : ' (--idle-s 0)'}`)
  if (m.repeat) {
    lines.push(
      `repeats: ${m.repeat.n} runs, mean ${formatEnergy(m.repeat.meanJ)}, sd ${formatEnergy(m.repeat.sdJ)}, cv ${formatShare(m.repeat.cv)}`
    )
  }
  const metrics = Object.entries(m.metrics)
  if (metrics.length > 0)
    lines.push(
      `metrics: ${metrics.map(([k, v]) => `${k}=${v}`).join(', ')} (${m.progress.length} progress lines)`
    )
  for (const error of m.metricErrors ?? []) lines.push(`warning: ${error}`)
  if (estimated)
    lines.push('note: figures marked ≈ are estimates from a power model, not measurements.')
  for (const notice of m.notices ?? []) lines.push(`notice: ${notice}`)
  return lines.join('\n')
}

function describeExit(m: Measurement): string {
  if (m.exitCode !== null) return String(m.exitCode)
  if (m.signal) return `signal ${m.signal}`
  return 'not started'
}
