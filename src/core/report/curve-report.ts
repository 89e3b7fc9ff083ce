// The curve view: a metric against the energy spent on it (targets reached, gain per kWh, the
// projection of a planned run), as markdown. Figures are written out in full, never `6.2e-5`.
import { markdownTable } from 'markdown-table'
import type { CurveAnalysis } from '../analysis/curve.js'
import type { Projection } from '../analysis/projection.js'
import { formatEnergy as formatJoules, formatShare, formatSig, toKwh } from './format.js'

const pct = (x: number): string => formatShare(x, 0)
const nullableSig = (x: number | null | undefined): string | null =>
  x === null || x === undefined ? null : formatSig(x, 3)

export function formatCurveMarkdown(
  a: CurveAnalysis,
  sentence: string,
  projection: Projection | null
): string {
  const lines = [`### ${a.metric} against energy`, '', sentence, '']
  lines.push(
    markdownTable([
      ['target', 'value', 'reached at', 'share of energy'],
      ...a.reach.map((r, k) =>
        r === null
          ? [`${pct([0.9, 0.95, 0.99][k]!)}`, '—', 'never', '—']
          : [
              pct(r.fraction),
              formatSig(r.target, 4),
              formatJoules(r.energyJ),
              pct(r.energyFraction)
            ]
      )
    ]),
    ''
  )
  lines.push(
    markdownTable([
      ['point', a.metric, 'energy', `gain per kWh (${a.direction} is better)`],
      ...a.points.map((p, i) => [
        p.at ? `${p.at.key} ${p.at.value}` : `#${i + 1}`,
        formatSig(p.value, 4),
        formatJoules(p.energyJ),
        i === 0 ? '—' : (nullableSig(a.segments[i - 1]!.gainPerKwh) ?? 'no energy')
      ])
    ]),
    ''
  )
  if (projection) {
    const kwh = (j: number): string => `${formatSig(toKwh(j))} kWh`
    lines.push(
      `Projected energy of ${projection.planned} ${projection.unit}s (estimate from ${projection.observed} measured): ${kwh(projection.projectedJ)}, ${Math.round(projection.level * 100)}% interval ${kwh(projection.interval[0])} to ${kwh(projection.interval[1])} (${projection.method === 'warm-up + robust mean' ? `the first ${projection.unit} counted once as a warm-up, the others at their robust mean` : `the robust mean of the ${projection.unit}s`}; linear extrapolation would say ${kwh(projection.linearJ)}).` +
        (projection.budget
          ? ` Budget projected-kwh ${projection.budget.projectedKwh}: ${projection.budget.status}.`
          : ''),
      ''
    )
  }
  return lines.join('\n')
}
