// Mermaid xychart-beta charts, folded away: the tables carry the figures, charts only add a view.
import { sanitizeChartLabel } from './escape-markdown.js'
import type { HistoryRecord } from '../types.js'
import type { Judgement } from '../judge/verdict.js'
import { chooseEnergyUnit, formatSig, JOULES_PER_KWH, toKwh } from './format.js'

interface Point {
  label: string
  kwh: number
  metric: number | undefined
}

/** Normalised energy when every point has it (else measured, and the title says so). */
function collectPoints(
  history: readonly HistoryRecord[],
  j: Judgement,
  metric: string | null
): { points: Point[]; normalized: boolean } {
  const recs = history.slice(-20)
  const normalized = j.run.normalizedKwh !== null && recs.every((r) => r.normalization !== null)
  const points: Point[] = recs.map((r, i) => ({
    label: sanitizeChartLabel((r.commit ?? `#${i + 1}`).slice(0, 7), 12),
    kwh: normalized ? toKwh(r.normalization!.normalizedEnergyJ) : toKwh(r.measurement.energyJ),
    metric: metric ? r.measurement.metrics[metric] : undefined
  }))
  points.push({
    label: 'this run',
    kwh: normalized ? j.run.normalizedKwh! : j.run.measuredKwh,
    metric: metric ? j.run.metrics[metric] : undefined
  })
  return { points, normalized }
}

const list = (xs: readonly string[]): string => `[${xs.map((x) => `"${x}"`).join(', ')}]`
const values = (xs: readonly number[]): string => `[${xs.map((x) => formatSig(x, 4)).join(', ')}]`

function chart(title: string, xLabels: string[], yTitle: string, ys: number[]): string {
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis ${list(xLabels)}`,
    `  y-axis "${yTitle}"`,
    `  line ${values(ys)}`,
    '```'
  ].join('\n')
}

export function renderCharts(history: readonly HistoryRecord[], j: Judgement): string {
  const metric = j.mainMetric
  const { points: kwhPoints, normalized } = collectPoints(history, j, metric)
  // the axis in the unit the tables use for these figures (a short run's energy is not 0.0000x kWh)
  const { unit, joulesPerUnit } = chooseEnergyUnit(
    Math.max(...kwhPoints.map((p) => Math.abs(p.kwh))) * JOULES_PER_KWH
  )
  // from here on `kwh` holds the figure in the axis unit
  const points = kwhPoints.map((p) => ({ ...p, kwh: (p.kwh * JOULES_PER_KWH) / joulesPerUnit }))
  const parts: string[] = []
  const kind = normalized ? 'Normalised energy' : 'Measured energy'
  if (points.length >= 2) {
    parts.push(
      `<details><summary>Chart: ${kind.toLowerCase()} over recent history</summary>\n\n${chart(
        `${kind} per run (${unit})`,
        points.map((p) => p.label),
        unit,
        points.map((p) => p.kwh)
      )}\n\n</details>`
    )
  }
  const withMetric = points
    .filter((p): p is Point & { metric: number } => typeof p.metric === 'number')
    .sort((a, b) => a.metric - b.metric)
  if (metric && withMetric.length >= 2) {
    const m = sanitizeChartLabel(metric)
    parts.push(
      `<details><summary>Chart: ${kind.toLowerCase()} against ${m}</summary>\n\n${chart(
        `${kind} (${unit}) by ${m}, runs sorted by ${m}`,
        withMetric.map((p) => `${formatSig(p.metric, 4)} ${p.label}`),
        unit,
        withMetric.map((p) => p.kwh)
      )}\n\n</details>`
    )
  }
  return parts.join('\n\n')
}
