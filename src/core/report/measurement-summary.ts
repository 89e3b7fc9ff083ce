// The human summary printed by `measure`: every figure carries the method that produced it.
import { markdownTable } from 'markdown-table'
import { describeTotalMethod } from '../measure/measurement.js'
import type { Measurement } from '../types.js'
import { describeMethod, formatDuration, formatEnergy, formatShare, formatWatts } from './format.js'
import { summariseNodes } from './node-breakdown.js'

// a cluster job's hundreds of GPUs are summed per node below instead of one row each
const MAX_COMPONENT_ROWS = 24

export function summarizeMeasurement(m: Measurement): string {
  const shown =
    m.components.length > MAX_COMPONENT_ROWS
      ? m.components.filter((c) => c.host === undefined)
      : m.components
  const rows = shown.map((c) => [
    c.id,
    c.name,
    `${describeMethod(c.method)} (${c.source})`,
    c.method === 'estimate' ? `≈ ${formatEnergy(c.energyJ)}` : formatEnergy(c.energyJ),
    c.method === 'estimate' ? `≈ ${formatWatts(c.meanPowerW)}` : formatWatts(c.meanPowerW),
    c.coverage === undefined ? '—' : formatShare(c.coverage)
  ])
  if (shown.length < m.components.length) {
    const folded = m.components.filter((c) => c.host !== undefined)
    rows.push([
      `${folded.length} cluster devices`,
      'per node below',
      'counter (prometheus)',
      formatEnergy(folded.reduce((a, c) => a + c.energyJ, 0)),
      '',
      ''
    ])
  }
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
  for (const n of summariseNodes(m.components))
    lines.push(
      `node ${n.host}: ${formatEnergy(n.energyJ)} (${n.models || 'no GPU'})${n.minCoverage !== null && n.minCoverage < 0.95 ? `, coverage ${formatShare(n.minCoverage)}` : ''}`
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
