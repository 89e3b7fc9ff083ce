// The caps view: best score under a footprint cap, the Pareto fronts and the energy-weighted
// scores, as markdown for a terminal, a PR comment or a paper's table.
import { markdownTable } from 'markdown-table'
import type { CapLevel, CapsResult } from '../analysis/caps.js'
import { formatSig } from './format.js'

const LEVEL_NAMES: Record<CapLevel, string> = {
  all: 'all systems (max)',
  median: 'median',
  p25: '25th percentile'
}

// written out in full (never e-notation), like every figure joulegate prints
const formatNumber = (x: number): string => formatSig(x, 4)

/** The talk's table (levels × costs, best score and system), then the caps and the Pareto fronts. */
export function formatCapsMarkdown(result: CapsResult): string {
  const costs = [...new Set(result.rows.map((r) => r.cost))]
  const subset = result.where.length
    ? result.where.map((w) => `${w.column}=${w.value}`).join(' and ')
    : 'all rows'
  const lines = [
    `### Best ${result.score} under a footprint cap`,
    '',
    `Rows: ${result.rowsMatched} of ${result.rowsTotal} (${subset}). A cap keeps the systems whose cost is <= the cap; caps are computed over the rows that have both ${result.score} and that cost.`,
    ''
  ]
  const cell = (cost: string, level: CapLevel): string => {
    const row = result.rows.find((r) => r.cost === cost && r.level === level)
    if (!row) return '—'
    return row.best === null
      ? `— (cap ${formatNumber(row.cap)})`
      : `${formatNumber(row.best)} ${row.label ?? ''} (cap ${formatNumber(row.cap)})`
  }
  lines.push(
    markdownTable([
      ['cap at', ...costs],
      ...(['all', 'median', 'p25'] as CapLevel[]).map((level) => [
        LEVEL_NAMES[level],
        ...costs.map((c) => cell(c, level))
      ])
    ]),
    ''
  )
  const missing = costs.length === 0 ? ' No row has both the score and a cost as numbers.' : ''
  lines.push(
    `Systems with score and cost: ${costs.map((c) => `${c} ${result.rows.find((r) => r.cost === c)?.rowsWithCost ?? 0}`).join(', ')}.${missing}`,
    ''
  )
  for (const [cost, front] of Object.entries(result.pareto)) {
    lines.push(`#### Pareto front: ${result.score} against ${cost}`, '')
    lines.push(
      markdownTable([
        ['system', cost, result.score],
        ...front.map((p) => [p.label, formatNumber(p.cost), formatNumber(p.score)])
      ]),
      ''
    )
  }
  const ew = result.energyWeighted
  if (ew) {
    lines.push(
      `#### Energy-weighted ${result.score} (× ${formatNumber(ew.referenceKwh)} kWh / ${ew.energyColumn}, reference ${ew.reference})`,
      ''
    )
    lines.push(
      markdownTable([
        ['system', result.score, `${ew.energyColumn}`, 'energy-weighted'],
        ...ew.systems.map((s) => [
          s.label,
          formatNumber(s.score),
          formatNumber(s.energyKwh),
          formatNumber(s.energyWeighted)
        ])
      ]),
      ''
    )
  }
  return lines.join('\n')
}
