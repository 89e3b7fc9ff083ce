// The talk's two questions asked of one run's progress: when did training stop paying for itself
// (one sentence for the report), and what will the full training cost (projection).
import type { Budget } from '../core/budget/budget-schema.js'
import { analyseCurve, describeCurve, pickDefaultMetric } from '../core/curve.js'
import { projectFromProgress } from '../core/projection.js'
import type { Measurement } from '../core/types.js'
import { formatEnergy, toKwh } from '../core/report/format.js'

/** Metric keys a training script may report to say how long the full training will be. */
const PLANNED_KEYS = { epoch: 'planned_epochs', step: 'planned_steps' } as const

interface ProgressAnalysis {
  sentence: string | null
  projection: { kwh: number; interval: [number, number]; detail: string } | null
  notes: string[]
}

export function analyseProgress(m: Measurement, budget: Budget): ProgressAnalysis {
  const notes: string[] = []
  let sentence: string | null = null
  const metric =
    budget.price?.metric &&
    m.progress.some((p) => typeof p.values[budget.price!.metric] === 'number')
      ? budget.price.metric
      : pickDefaultMetric(m.progress)
  if (metric) {
    const analysis = analyseCurve(m.progress, {
      metric,
      direction: budget.metrics[metric],
      priceKwhPerUnit: budget.price?.metric === metric ? budget.price.kwhPerUnit : null
    })
    // a power model's energy follows its own formula, not this training's progress
    const estimated = m.components.some((c) => c.method === 'estimate')
    if (analysis && analysis.points.length >= 2)
      sentence = describeCurve(analysis, 0.95, { advise: !estimated })
  }
  const planned = m.metrics[PLANNED_KEYS.epoch] ?? m.metrics[PLANNED_KEYS.step] ?? null
  let projection: ProgressAnalysis['projection'] = null
  if (planned !== null) {
    try {
      const p = projectFromProgress(m.progress, planned, { projectedKwh: budget.projectedKwh })
      projection = {
        kwh: toKwh(p.projectedJ),
        interval: [toKwh(p.interval[0]), toKwh(p.interval[1])],
        detail: `projected from ${p.observed} of ${p.planned} ${p.unit}s (${p.method}; linear extrapolation would say ${formatEnergy(p.linearJ)})`
      }
    } catch (error) {
      notes.push(`no projection: ${(error as Error).message}`)
    }
  } else if (budget.projectedKwh !== null) {
    notes.push(
      `projected-kwh is set but the run reported no ${PLANNED_KEYS.epoch} (or ${PLANNED_KEYS.step}) through the metrics file, so nothing was projected`
    )
  }
  return { sentence, projection, notes }
}
