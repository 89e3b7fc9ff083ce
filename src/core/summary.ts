// The human summary printed by `measure`: every figure carries the method that produced it.
import { markdownTable } from 'markdown-table'
import {
  describeMethod,
  formatDuration,
  formatJoules,
  formatPercent,
  formatWatts
} from './format.js'
import { describeTotalMethod } from './measurement.js'
import { summariseNodes } from './report/node-breakdown.js'
import type { Measurement } from './types.js'

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
    c.method === 'estimate' ? `≈ ${formatJoules(c.energyJ)}` : formatJoules(c.energyJ),
    c.method === 'estimate' ? `≈ ${formatWatts(c.meanPowerW)}` : formatWatts(c.meanPowerW),
    c.coverage === undefined ? '—' : formatPercent(c.coverage)
  ])
  if (shown.length < m.components.length) {
    const folded = m.components.filter((c) => c.host !== undefined)
    rows.push([
      `${folded.length} cluster devices`,
      'per node below',
      'counter (prometheus)',
      formatJoules(folded.reduce((a, c) => a + c.energyJ, 0)),
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
    `${estimated ? '≈ ' : ''}${formatJoules(m.energyJ)}`,
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
      `idle power: ${estimated ? '≈ ' : ''}${formatWatts(m.idlePowerW)} (${totalMethod}); net of idle: ${estimated ? '≈ ' : ''}${formatJoules(m.netEnergyJ ?? 0)}`
    )
  } else lines.push(`idle power: not measured${m.interrupted ? '' : ' (--idle-s 0)'}`)
  if (m.repeat) {
    lines.push(
      `repeats: ${m.repeat.n} runs, mean ${formatJoules(m.repeat.meanJ)}, sd ${formatJoules(m.repeat.sdJ)}, cv ${formatPercent(m.repeat.cv)}`
    )
  }
  const metrics = Object.entries(m.metrics)
  if (metrics.length > 0)
    lines.push(
      `metrics: ${metrics.map(([k, v]) => `${k}=${v}`).join(', ')} (${m.progress.length} progress lines)`
    )
  for (const n of summariseNodes(m.components))
    lines.push(
      `node ${n.host}: ${formatJoules(n.energyJ)} (${n.models || 'no GPU'})${n.minCoverage !== null && n.minCoverage < 0.95 ? `, coverage ${formatPercent(n.minCoverage)}` : ''}`
    )
  for (const error of m.metricErrors ?? []) lines.push(`warning: ${error}`)
  if (estimated)
    lines.push('note: figures marked ≈ are estimates from a power model, not measurements.')
  for (const notice of m.notices ?? []) lines.push(`notice: ${notice}`)
  return lines.join('\n')
}

/** One line for a terminal while the command runs. */
export function formatProgressLine(elapsedS: number, energyJ: number, estimated: boolean): string {
  const mean = elapsedS > 0 ? energyJ / elapsedS : 0
  return `joulegate: ${formatDuration(elapsedS)} elapsed · ${estimated ? '≈ ' : ''}${formatJoules(energyJ)} so far · mean ${formatWatts(mean)}`
}

function describeExit(m: Measurement): string {
  if (m.exitCode !== null) return String(m.exitCode)
  if (m.signal) return `signal ${m.signal}`
  return 'not started'
}
